// si-instances: consumes `si.instances` and generates each classified instruction's instances, output-first
// for classification tasks and input-first otherwise (Self-Instruct recipe).
import Stages
import Worker

await WorkerDaemon.main(name: "si-instances", needsTeacher: true) { resources in
    InstancesHandler(database: resources.database, teacher: resources.teacher!, catalog: resources.catalog)
}
