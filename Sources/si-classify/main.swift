// si-classify: consumes `si.classify` and asks the teacher whether each admitted instruction is a
// classification task (Self-Instruct recipe).
import Stages
import Worker

await WorkerDaemon.main(name: "si-classify", needsTeacher: true) { resources in
    // `needsTeacher` guarantees the client; the force is a programming-error check, not input validation.
    ClassifyHandler(database: resources.database, teacher: resources.teacher!, catalog: resources.catalog)
}
