/// A batch at the provider (`/v1/batches`).
public struct RemoteBatch: Sendable, Hashable, Decodable {
    /// Request counts as the provider reports them.
    public struct Counts: Sendable, Hashable, Decodable {
        public var total: Int
        public var completed: Int
        public var failed: Int
    }

    public var id: String
    public var status: String
    public var endpoint: String?
    public var inputFileID: String?
    public var outputFileID: String?
    public var errorFileID: String?
    public var createdAt: Int?
    public var requestCounts: Counts?
    public var metadata: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, status, endpoint, metadata
        case inputFileID = "input_file_id"
        case outputFileID = "output_file_id"
        case errorFileID = "error_file_id"
        case createdAt = "created_at"
        case requestCounts = "request_counts"
    }

    /// True once the provider will not change the batch again: its files are final.
    public var isFinished: Bool {
        ["completed", "failed", "expired", "cancelled"].contains(status)
    }
}
