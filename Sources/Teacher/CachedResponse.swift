/// A stored answer: the server's response body, decoded again on a hit so hits and misses share one parser.
public struct CachedResponse: Sendable, Hashable {
    public var body: [UInt8]
    public var model: String

    public init(body: [UInt8], model: String) {
        self.body = body
        self.model = model
    }
}
