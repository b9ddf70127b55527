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
