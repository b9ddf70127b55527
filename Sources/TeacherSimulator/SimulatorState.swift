import Synchronization

/// The request-independent state of one running simulator.
final class SimulatorState: Sendable {
    let counters = Mutex(SimulatorCounters())
    /// Files and batches. Held while batch requests run through the engine, which takes `counters`: always
    /// this lock first, never the other way round.
    let batches = Mutex(BatchLedger())

    /// Records one more sighting of `bodyHash` and returns how many times it was seen before.
    func nextAttempt(of bodyHash: UInt64) -> Int {
        counters.withLock { counters in
            let previous = counters.attempts[bodyHash, default: 0]
            counters.attempts[bodyHash] = previous + 1
            return previous
        }
    }

    func recordFault(_ name: String) {
        counters.withLock { $0.faults[name, default: 0] += 1 }
    }

    func recordResponse(route: String, status: Int) {
        counters.withLock { $0.byRoute[route, default: [:]][status, default: 0] += 1 }
    }

    func reset() {
        counters.withLock { $0 = SimulatorCounters() }
        batches.withLock { $0 = BatchLedger() }
    }

    /// `GET /sim/stats`: totals, per route, per status and per fault kind, and `batches` (from `BatchEngine`).
    func statsDocument(batches: JSONValue) -> JSONValue {
        let snapshot = counters.withLock { $0 }
        var statusTotals: [Int: Int] = [:]
        var total = 0
        var routes: [(String, JSONValue)] = []
        for route in snapshot.byRoute.keys.sorted() {
            let statuses = snapshot.byRoute[route]!
            let routeTotal = statuses.values.reduce(0, +)
            total += routeTotal
            for (status, count) in statuses { statusTotals[status, default: 0] += count }
            routes.append((route, .object([
                ("total", .int(routeTotal)),
                ("statuses", .object(statuses.keys.sorted().map { (String($0), .int(statuses[$0]!)) })),
            ])))
        }
        return .object([
            ("requests_total", .int(total)),
            ("routes", .object(routes)),
            ("statuses", .object(statusTotals.keys.sorted().map { (String($0), .int(statusTotals[$0]!)) })),
            ("faults", .object(snapshot.faults.keys.sorted().map { ($0, .int(snapshot.faults[$0]!)) })),
            ("distinct_bodies", .int(snapshot.attempts.count)),
            ("batches", batches),
        ])
    }
}
