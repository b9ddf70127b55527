/// Everything the simulator's Files and Batches API holds; `POST /sim/reset` starts a new one.
struct BatchLedger: Sendable {
    /// Where a custom_id was submitted: a batch (index into `batches`) and a request within it.
    struct Submission: Sendable {
        var batch: Int
        var request: Int
    }

    var files: [String: StoredFile] = [:]
    /// In creation order.
    var batches: [BatchRecord] = []
    var batchIndexByID: [String: Int] = [:]
    /// Every submission of each custom_id in batches that passed validation, oldest first.
    var submissions: [String: [Submission]] = [:]
    /// Batches that passed validation (the first `expire-first` of them expire).
    var acceptedBatches = 0

    /// Files created so far, uploads and batch output alike (for ids).
    private var filesCreated = 0
    var filesUploaded = 0
    var inputFilesReused = 0
    var duplicateSubmissions = 0

    /// Stores a new file and returns it.
    mutating func addFile(filename: String, purpose: String, createdAt: Int, bytes: [UInt8]) -> StoredFile {
        filesCreated += 1
        let file = StoredFile(id: "file-\(filesCreated)", filename: filename, purpose: purpose, createdAt: createdAt, bytes: bytes)
        files[file.id] = file
        return file
    }
}
