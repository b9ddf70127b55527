// si-generate: consumes `si.generate` (circulating generation tokens), calls the teacher, stores candidates.
import Stages
import Worker

await WorkerDaemon.main(name: "si-generate", needsTeacher: true) { resources in
    // `needsTeacher` guarantees the client; the force is a programming-error check, not input validation.
    GenerateHandler(database: resources.database, teacher: resources.teacher!, catalog: resources.catalog)
}
