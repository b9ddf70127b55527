/// What the HTTP layer sends back.
struct SimulatedResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)] = []
    var body: String
    /// Sent instead of `body` when set: file contents, which need not be UTF-8.
    var bodyBytes: [UInt8]? = nil
    /// Seconds to wait before answering (latency model or a hang fault).
    var delaySeconds: Double = 0
}
