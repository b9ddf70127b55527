// si-filter: consumes `si.filter.instructions` and admits candidates in one total order per run.
import Worker

await WorkerDaemon.main(name: "si-filter", needsTeacher: false) { resources in
    FilterInstructionsHandler(database: resources.database, catalog: resources.catalog)
}
