/// Something that performs HTTP exchanges. Responses with any status are returned, not thrown;
/// transport failures throw `TeacherError`, cancellation throws `CancellationError`.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
