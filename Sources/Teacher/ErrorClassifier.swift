#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Maps HTTP outcomes to `TeacherError`s: the one place that decides retry / fail-item / stop.
public enum ErrorClassifier {
    /// Longest server message kept in an error (servers sometimes return whole HTML pages).
    static let maximumMessageLength = 300

    /// The error for a non-2xx response, or `nil` for success.
    ///
    /// 429, 408, 409 and 5xx retry; 401/403 stop the caller with a fixed message (the server's text may echo
    /// part of the key); 400, 404, 422 and other 4xx fail the item with the server's own message.
    public static func classify(status: Int, body: [UInt8], retryAfter: Duration?, operation: String) -> TeacherError? {
        switch status {
        case 200..<300:
            return nil
        case 401, 403:
            return TeacherError(
                kind: .credentialsRejected, classification: .stopCaller, operation: operation,
                message: "credentials rejected", httpStatus: status)
        case 429:
            return TeacherError(
                kind: .rateLimited, classification: .retryable, operation: operation,
                message: serverMessage(in: body) ?? "rate limited", httpStatus: status, retryAfter: retryAfter)
        case 408:
            return TeacherError(
                kind: .timeout, classification: .retryable, operation: operation,
                message: serverMessage(in: body) ?? "request timeout", httpStatus: status, retryAfter: retryAfter)
        case 409:
            return TeacherError(
                kind: .serverError, classification: .retryable, operation: operation,
                message: serverMessage(in: body) ?? "conflict", httpStatus: status, retryAfter: retryAfter)
        case 500..<600:
            return TeacherError(
                kind: .serverError, classification: .retryable, operation: operation,
                message: serverMessage(in: body) ?? "server error", httpStatus: status, retryAfter: retryAfter)
        case 400:
            return failItem(.invalidRequest, status: status, body: body, operation: operation, fallback: "bad request")
        case 404:
            return failItem(.notFound, status: status, body: body, operation: operation, fallback: "not found")
        case 422:
            return failItem(.unprocessable, status: status, body: body, operation: operation, fallback: "unprocessable")
        default:
            return failItem(.clientError, status: status, body: body, operation: operation, fallback: "unexpected status")
        }
    }

    private static func failItem(
        _ kind: TeacherError.Kind, status: Int, body: [UInt8], operation: String, fallback: String
    ) -> TeacherError {
        TeacherError(
            kind: kind, classification: .failItem, operation: operation,
            message: serverMessage(in: body) ?? fallback, httpStatus: status)
    }

    /// The human message inside an error body, in the shapes OpenAI, vLLM, llama.cpp, Ollama and FastAPI use:
    /// `{"error":{"message":…}}`, `{"error":"…"}`, `{"message":…}`, `{"detail":"…"}`; else the body's text.
    public static func serverMessage(in body: [UInt8]) -> String? {
        guard !body.isEmpty else { return nil }
        if let parsed = try? JSONDecoder().decode(ServerErrorBody.self, from: Data(body)), let message = parsed.bestMessage {
            return clip(message)
        }
        let text = String(decoding: body, as: UTF8.self).trimmingWhitespace()
        return text.isEmpty ? nil : clip(text)
    }

    private static func clip(_ text: String) -> String {
        text.count <= maximumMessageLength ? text : String(text.prefix(maximumMessageLength)) + "…"
    }
}

extension String {
    /// The string without leading and trailing whitespace (CRLF included).
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else {
            return ""
        }
        return String(self[first...last])
    }
}
