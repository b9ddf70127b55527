// One error type for the teacher adapter: a bounded kind (usable as a reason in SQL views), the
// operation, a message safe to log, and the classification the caller acts on.

/// A failed teacher call. `description` never contains prompts, bodies, API keys or credentials.
public struct TeacherError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A small, fixed set of failure reasons.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case rateLimited = "rate_limited"
        case serverError = "server_error"
        case timeout
        case connectionFailed = "connection_failed"
        case transport
        case invalidRequest = "invalid_request"
        case notFound = "not_found"
        case unprocessable
        case clientError = "client_error"
        case credentialsRejected = "credentials_rejected"
        case promptTooLong = "prompt_too_long"
        case malformedResponse = "malformed_response"
        case configuration
        case shutdown
        case budgetExhausted = "budget_exhausted"
        case cancelled
    }

    public var kind: Kind
    public var classification: TeacherErrorClassification
    /// What was attempted, e.g. `POST /v1/completions`.
    public var operation: String
    /// A message safe to log (the server's error message, or libcurl's), already redacted.
    public var message: String
    /// The HTTP status, when a response arrived.
    public var httpStatus: Int?
    /// The server's `Retry-After`, when it sent one.
    public var retryAfter: Duration?
    /// The libcurl result code, for transport failures.
    public var curlCode: Int?

    public init(
        kind: Kind,
        classification: TeacherErrorClassification,
        operation: String,
        message: String,
        httpStatus: Int? = nil,
        retryAfter: Duration? = nil,
        curlCode: Int? = nil
    ) {
        self.kind = kind
        self.classification = classification
        self.operation = operation
        self.message = message
        self.httpStatus = httpStatus
        self.retryAfter = retryAfter
        self.curlCode = curlCode
    }

    public var description: String {
        var text = "teacher \(kind.rawValue) (\(classification.rawValue)) in \(operation)"
        if let httpStatus { text += ", HTTP \(httpStatus)" }
        if let curlCode { text += ", curl \(curlCode)" }
        if !message.isEmpty { text += ": \(message)" }
        return text
    }

    /// The same error with every occurrence of `secret` in its message replaced.
    func redacting(_ secret: String?) -> TeacherError {
        guard let secret, !secret.isEmpty, message.contains(secret) else { return self }
        var copy = self
        copy.message = message.replacingAll(secret, with: "[redacted]")
        return copy
    }
}

extension String {
    /// Replaces every non-overlapping occurrence of `target` (no Foundation needed).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}
