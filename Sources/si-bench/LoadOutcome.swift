import Foundation

/// What one closed-loop run measured.
struct LoadOutcome: Sendable {
    var succeeded = 0
    /// Failed requests by error kind.
    var failures: [String: Int] = [:]
    /// Seconds per successful request, in completion order.
    var latencies: [Double] = []
    var wallSeconds = 0.0
    /// User plus system CPU of the whole process (client, curl thread and in-process simulator).
    var cpuSeconds = 0.0
    /// The same by thread group (see `ThreadGroup`), from /proc; empty where /proc is missing.
    var cpuSecondsByThreadGroup: [ThreadGroup: Double] = [:]

    /// "curl 0.31 ms, NIO event loops 0.52 ms, …" per successful request.
    var threadGroupSummary: String {
        ThreadGroup.allCases.compactMap { group in
            cpuSecondsByThreadGroup[group].map {
                String(format: "%@ %.3f ms", group.rawValue, 1000 * $0 / Double(max(1, succeeded)))
            }
        }.joined(separator: ", ")
    }

    var failed: Int { failures.values.reduce(0, +) }
    var requestsPerSecond: Double { Double(succeeded) / wallSeconds }

    /// The `p`-quantile (0...1) of the latencies in milliseconds, nearest rank.
    func latencyMilliseconds(_ p: Double) -> Double {
        guard !latencies.isEmpty else { return .nan }
        let sorted = latencies.sorted()
        let rank = min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[rank] * 1000
    }

    var failureSummary: String {
        failures.isEmpty ? "none" : failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}
