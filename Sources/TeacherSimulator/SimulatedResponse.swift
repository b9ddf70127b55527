/// What the HTTP layer sends back.
struct SimulatedResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)] = []
    var body: String
    /// Seconds to wait before answering (latency model or a hang fault).
    var delaySeconds: Double = 0
}
