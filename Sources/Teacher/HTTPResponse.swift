/// A complete response.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    /// Header fields of the final response, in arrival order.
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// Wall time of the exchange as the transport measured it.
    public var totalTime: Duration

    public init(status: Int, headers: [HTTPHeader], body: [UInt8], totalTime: Duration = .zero) {
        self.status = status
        self.headers = headers
        self.body = body
        self.totalTime = totalTime
    }

    /// The last value of header `name` (case-insensitive).
    public func headerValue(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.last { $0.name.lowercased() == wanted }?.value
    }

    /// The body as UTF-8 text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
