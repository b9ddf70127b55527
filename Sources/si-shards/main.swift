// si-shards: consumes `si.shards`; writes a completed run's valid instances as JSONL shards with a manifest
// below $SI_SHARDS_DIR and marks the run completed.
import Worker

await WorkerDaemon.main(name: "si-shards", needsTeacher: false) { resources in
    ShardsHandler(database: resources.database, catalog: resources.catalog, directory: resources.config.shardsDirectory)
}
