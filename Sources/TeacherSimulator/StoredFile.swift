/// A file the simulator holds: an uploaded batch input (purpose `batch`) or a batch's output or error file
/// (purpose `batch_output`).
struct StoredFile: Sendable {
    let id: String
    let filename: String
    let purpose: String
    /// Wall-clock seconds since 1970.
    let createdAt: Int
    let bytes: [UInt8]

    /// OpenAI's file object.
    var object: JSONValue {
        .object([
            ("id", .string(id)),
            ("object", .string("file")),
            ("bytes", .int(bytes.count)),
            ("created_at", .int(createdAt)),
            ("filename", .string(filename)),
            ("purpose", .string(purpose)),
        ])
    }
}
