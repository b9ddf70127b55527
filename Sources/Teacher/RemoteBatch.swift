/// A batch at the provider (`/v1/batches`).
public struct RemoteBatch: Sendable, Hashable, Decodable {
    /// Request counts as the provider reports them.
    public struct Counts: Sendable, Hashable, Decodable {
        public var total: Int
        public var completed: Int
        public var failed: Int
    }

    /// Why a batch failed as a whole (`errors.data`).
    public struct Errors: Sendable, Hashable, Decodable {
        public struct Entry: Sendable, Hashable, Decodable {
            public var code: String?
            public var message: String?
            public var line: Int?
        }

        public var data: [Entry]?
    }

    public var id: String
    public var status: String
    public var errors: Errors?
    public var endpoint: String?
    public var inputFileID: String?
    public var outputFileID: String?
    public var errorFileID: String?
    public var createdAt: Int?
    public var requestCounts: Counts?
    public var metadata: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, status, endpoint, metadata, errors
        case inputFileID = "input_file_id"
        case outputFileID = "output_file_id"
        case errorFileID = "error_file_id"
        case createdAt = "created_at"
        case requestCounts = "request_counts"
    }

    /// The provider's first reason for failing the batch, with its line when it names one.
    public var failureMessage: String? {
        guard let entry = errors?.data?.first else { return nil }
        let text = [entry.code, entry.message].compactMap { $0 }.joined(separator: ": ")
        return entry.line.map { "line \($0): \(text)" } ?? text
    }

    /// True once the provider will not change the batch again: its files are final.
    public var isFinished: Bool {
        ["completed", "failed", "expired", "cancelled"].contains(status)
    }
}
