/// One page of `GET /v1/batches` (newest first).
struct RemoteBatchPage: Sendable, Decodable {
    var data: [RemoteBatch]
    var hasMore: Bool?
    var lastID: String?

    enum CodingKeys: String, CodingKey {
        case data
        case hasMore = "has_more"
        case lastID = "last_id"
    }
}
