// Plain HTTP values exchanged with a transport; no pointers, no libcurl types.

/// One header field.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

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

/// Something that performs HTTP exchanges. Responses with any status are returned, not thrown;
/// transport failures throw `TeacherError`, cancellation throws `CancellationError`.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// Why an exchange produced no response, independent of the HTTP library.
public enum TransportFailure: String, Sendable, Hashable, CaseIterable {
    /// Connect or total timeout elapsed.
    case timedOut
    /// Name resolution or TCP connect failed (refused, unreachable).
    case connectFailed
    /// The connection broke mid-exchange (reset, empty reply, truncated body, framing error).
    case connectionLost
    /// TLS handshake or certificate verification failed.
    case tls
    /// The request itself is unusable (malformed URL, unsupported scheme).
    case invalidRequest
    /// The response exceeded the configured size limit.
    case responseTooLarge
    /// The transport is shut down.
    case shutDown
    /// Anything else the library reported.
    case other
}

extension ErrorClassifier {
    /// The error for a transport failure: timeouts and broken connections retry; TLS and malformed
    /// requests stop the caller (configuration); an oversized response fails the item.
    public static func classify(transportFailure failure: TransportFailure, detail: String, operation: String, code: Int? = nil)
        -> TeacherError
    {
        let (kind, classification): (TeacherError.Kind, TeacherErrorClassification) =
            switch failure {
            case .timedOut: (.timeout, .retryable)
            case .connectFailed: (.connectionFailed, .retryable)
            case .connectionLost: (.connectionFailed, .retryable)
            case .other: (.transport, .retryable)
            case .tls: (.configuration, .stopCaller)
            case .invalidRequest: (.configuration, .stopCaller)
            case .responseTooLarge: (.malformedResponse, .failItem)
            case .shutDown: (.shutdown, .stopCaller)
            }
        return TeacherError(kind: kind, classification: classification, operation: operation, message: detail, curlCode: code)
    }
}
