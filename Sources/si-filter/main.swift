// si-filter: consumes `si.filter.instructions` (admission in one total order per run) and
// `si.filter.instances` (instance parsing and validity rules; the last outcome of a run asks for shards).
// Admission pools of finished and idle runs are dropped (PoolEvictor), so memory stays flat across runs.
import Stages
import Worker

await WorkerDaemon.main(name: "si-filter", needsTeacher: false) { resources in
    [
        AnyStageHandler(FilterInstructionsHandler(database: resources.database, catalog: resources.catalog)),
        AnyStageHandler(FilterInstancesHandler(database: resources.database, catalog: resources.catalog)),
    ]
}
