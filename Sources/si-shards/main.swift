// si-shards: notices runs whose every admitted instruction has its instance outcome, then (consuming
// `si.shards`) writes their valid instances as JSONL shards with a manifest below $SI_SHARDS_DIR and marks
// the run completed. It also prunes expired bookkeeping rows (SI_RETENTION_HOURS).
import Stages
import Worker

await WorkerDaemon.main(name: "si-shards", needsTeacher: false, makeHandlers: { resources in
    [AnyStageHandler(ShardsHandler(database: resources.database, catalog: resources.catalog, directory: resources.config.shardsDirectory))]
}, makeServices: { resources, relay in
    [
        RunCompletionWatcher(database: resources.database, namespace: resources.namespace, logger: resources.logger) { relay.nudge() },
        BookkeepingPruner(database: resources.database, retention: resources.config.retention, logger: resources.logger),
    ]
})
