import Broker
import Logging
import Records
import Store
import Synchronization
import SelfInstruct
import TestSupport
import Testing
import Worker

@Suite("OutboxRelay against real servers", .timeLimit(.minutes(1)))
struct OutboxRelayIntegrationTests {
    static let quiet = Logger(label: "si.test.relay", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Every replica runs a relay, so an idle one must cost one poll per interval, however it was woken before.
    @Test("after nudges, an idle relay waits its poll interval between polls instead of spinning")
    func idleRelayPollsOncePerInterval() async throws {
        let admin = try ServiceGate.broker()
        defer { admin.close() }
        let topology = Topology(namespace: "si-relay-\(uniqueSuffix())")
        try topology.declare(on: admin)
        defer { try? topology.delete(on: admin) }
        try await withMigratedSchema { database in
            let settings = BrokerSettings(url: try ServiceGate.brokerURL(), logger: Self.quiet, topology: topology)
            let publisher = try await BrokerPublisher.connect(settings: settings)
            let relay = OutboxRelay(database: database, publisher: publisher, exchange: topology.exchange,
                                    pollInterval: .milliseconds(250), logger: Self.quiet)
            let relayTask = Task { try await relay.run() }
            for _ in 0..<3 {
                relay.nudge()
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .seconds(2))
            relay.stop()
            try await relayTask.value
            await publisher.close()
            // 3 nudges and 2 s of 250 ms intervals: about 11 waits. A relay whose cancelled timer woke it again
            // made thousands in the same time.
            #expect(relay.waits >= 4)
            #expect(relay.waits <= 20)
        }
    }

    /// Rows written outside the daemons (sictl run start, resume, dlq replay) wake the relays through
    /// LISTEN/NOTIFY, so a run starts at once while idle relays still poll only once a second.
    @Test("a NOTIFY on the outbox channel wakes the listener within a second, and another namespace's does not")
    func notifyWakesTheListener() async throws {
        try await withMigratedSchema { database in
            let namespace = "si-wake-\(uniqueSuffix())"
            let woken = Mutex(0)
            let listener = NotificationListener(
                url: try ServiceGate.databaseURL(), channel: OutboxTable.wakeupChannel(namespace: namespace),
                applicationName: "si-test-listen", logger: Self.quiet) { woken.withLock { $0 += 1 } }
            listener.start()
            // The first wake-up comes with the connection (anything sent before it was missed).
            try await Self.waitUntil { woken.withLock { $0 } == 1 }
            try await OutboxTable.wakeRelays(namespace: namespace + "-other", on: database)
            try await Task.sleep(for: .milliseconds(300))
            #expect(woken.withLock { $0 } == 1)
            let sent = ContinuousClock.now
            try await OutboxTable.wakeRelays(namespace: namespace, on: database)
            try await Self.waitUntil { woken.withLock { $0 } == 2 }
            #expect(ContinuousClock.now - sent < .seconds(1))
            await listener.stop()
        }
    }

    static func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            #expect(ContinuousClock.now < deadline, "timed out")
            if ContinuousClock.now >= deadline { return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
