import Teacher

/// Answers every request with the same recorded response, at once.
struct RecordedTransport: HTTPTransport {
    let response: HTTPResponse

    func send(_ request: HTTPRequest) async throws -> HTTPResponse { response }
}
