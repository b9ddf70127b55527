import Testing

@testable import Teacher

@Suite("Error classification")
struct ClassificationTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test(arguments: [
        (429, TeacherError.Kind.rateLimited, TeacherErrorClassification.retryable),
        (500, .serverError, .retryable),
        (502, .serverError, .retryable),
        (503, .serverError, .retryable),
        (408, .timeout, .retryable),
        (400, .invalidRequest, .failItem),
        (404, .notFound, .failItem),
        (422, .unprocessable, .failItem),
        (418, .clientError, .failItem),
        (401, .credentialsRejected, .stopCaller),
        (403, .credentialsRejected, .stopCaller),
    ])
    func statusMapping(status: Int, kind: TeacherError.Kind, classification: TeacherErrorClassification) throws {
        let error = try #require(ErrorClassifier.classify(status: status, body: [], retryAfter: nil, operation: "POST /v1/completions"))
        #expect(error.kind == kind)
        #expect(error.classification == classification)
        #expect(error.httpStatus == status)
    }

    @Test(arguments: [200, 201, 204, 299])
    func successIsNoError(status: Int) {
        #expect(ErrorClassifier.classify(status: status, body: Self.bytes("{}"), retryAfter: nil, operation: "op") == nil)
    }

    @Test(arguments: [
        (#"{"error":{"message":"max_tokens is too large","type":"invalid_request_error"}}"#, "max_tokens is too large"),
        (#"{"error":"model 'x' not found"}"#, "model 'x' not found"),
        (#"{"object":"error","message":"This model's maximum context length is 2048","code":400}"#, "This model's maximum context length is 2048"),
        (#"{"detail":"Not Found"}"#, "Not Found"),
        ("plain text failure\n", "plain text failure"),
    ])
    func failItemCarriesTheServersMessage(body: String, message: String) throws {
        let error = try #require(ErrorClassifier.classify(status: 400, body: Self.bytes(body), retryAfter: nil, operation: "op"))
        #expect(error.message == message)
        #expect(error.description.contains(message))
    }

    @Test func credentialsRejectedNeverEchoesTheServerText() throws {
        let body = #"{"error":{"message":"Incorrect API key provided: sk-SECRET123"}}"#
        let error = try #require(ErrorClassifier.classify(status: 401, body: Self.bytes(body), retryAfter: nil, operation: "op"))
        #expect(error.message == "credentials rejected")
        #expect(!error.description.contains("sk-SECRET123"))
    }

    @Test func rateLimitKeepsRetryAfter() throws {
        let error = try #require(ErrorClassifier.classify(status: 429, body: [], retryAfter: .seconds(12), operation: "op"))
        #expect(error.retryAfter == .seconds(12))
    }

    @Test func longBodiesAreClipped() throws {
        let body = String(repeating: "x", count: 5000)
        let error = try #require(ErrorClassifier.classify(status: 400, body: Self.bytes(body), retryAfter: nil, operation: "op"))
        #expect(error.message.count <= ErrorClassifier.maximumMessageLength + 1)
    }

    @Test(arguments: [
        (TransportFailure.timedOut, TeacherErrorClassification.retryable),
        (.connectFailed, .retryable),
        (.connectionLost, .retryable),
        (.other, .retryable),
        (.tls, .stopCaller),
        (.invalidRequest, .stopCaller),
        (.shutDown, .stopCaller),
        (.responseTooLarge, .failItem),
    ])
    func transportFailures(failure: TransportFailure, classification: TeacherErrorClassification) {
        let error = ErrorClassifier.classify(transportFailure: failure, detail: "d", operation: "op")
        #expect(error.classification == classification)
    }

    @Test func redactionReplacesTheSecretEverywhere() {
        let error = TeacherError(kind: .invalidRequest, classification: .failItem, operation: "op", message: "key k3y and again k3y")
        let redacted = error.redacting("k3y")
        #expect(!redacted.message.contains("k3y"))
        #expect(redacted.message == "key [redacted] and again [redacted]")
    }
}
