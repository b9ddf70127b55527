/// A request for a transport. Its `description` shows method and URL only (no headers, no body).
public struct HTTPRequest: Sendable, Hashable, CustomStringConvertible {
    public enum Method: String, Sendable, Hashable {
        case get = "GET"
        case post = "POST"
    }

    public var method: Method
    /// An absolute `http` or `https` URL without credentials.
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]?
    /// Longest wait for the TCP (and TLS) connection.
    public var connectTimeout: Duration
    /// Longest wait for the whole exchange, connection included.
    public var timeout: Duration

    public init(
        method: Method, url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil,
        connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(600)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// `METHOD path`, the operation name errors and logs use.
    public var operation: String {
        "\(method.rawValue) \(Self.path(of: url))"
    }

    public var description: String { operation }

    /// The path part of an absolute URL (`/` when it has none), without query or fragment.
    static func path(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.firstRange(of: "://") {
            rest = rest[scheme.upperBound...]
        }
        guard let slash = rest.firstIndex(of: "/") else { return "/" }
        let path = rest[slash...]
        let end = path.firstIndex(where: { $0 == "?" || $0 == "#" }) ?? path.endIndex
        return String(path[..<end])
    }
}
