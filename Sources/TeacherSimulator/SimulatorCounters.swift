/// Counters shared by all requests of one simulator instance.
struct SimulatorCounters: Sendable {
    var byRoute: [String: [Int: Int]] = [:]
    var faults: [String: Int] = [:]
    /// Times each distinct request body (by hash) has been seen, for attempt-aware fault decisions.
    var attempts: [UInt64: Int] = [:]
}
