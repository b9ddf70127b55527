import Broker
import SelfInstruct
import Synchronization
import Testing

/// A clock that moves only when a test advances it.
final class ManualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let current = Mutex(Instant(offset: .zero))

    var now: Instant { current.withLock { $0 } }
    var minimumResolution: Duration { .nanoseconds(1) }

    func advance(by duration: Duration) {
        current.withLock { $0 = $0.advanced(by: duration) }
    }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        // Tests drive the state machine directly; nothing sleeps on this clock.
        advance(by: now.duration(to: deadline))
    }
}

@Suite("Reconnect state machine")
struct ReconnectStateMachineTests {
    typealias Machine = ReconnectStateMachine<ManualClock>

    let clock = ManualClock()
    let backoff = Backoff(base: .seconds(1), cap: .seconds(8))
    let lost = BrokerError(kind: .connectionClosed, operation: "basic.deliver", detail: "socket closed")
    let refused = BrokerError(kind: .connect, operation: "connection.open", detail: "connection refused")

    /// Equal within a microsecond: delays go through floating-point seconds.
    func close(_ lhs: Duration, _ rhs: Duration) -> Bool {
        let difference = lhs - rhs
        return difference < .microseconds(1) && difference > .microseconds(-1)
    }

    func machine(maxConsecutiveFailures: Int? = nil) -> Machine {
        Machine(clock: clock, backoff: backoff, stableAfter: .seconds(10), maxConsecutiveFailures: maxConsecutiveFailures)
    }

    @Test("start connects at once; success leaves nothing to do")
    func startAndConnect() {
        var machine = machine()
        #expect(machine.start() == .connect(attempt: 1, endpoint: 0))
        #expect(machine.start() == .none)
        #expect(machine.connectSucceeded() == .none)
        #expect(machine.state == .connected(since: clock.now))
    }

    @Test("failed connects wait with growing, capped backoff, then connect when the timer fires")
    func failedConnectsBackOff() {
        var machine = machine()
        _ = machine.start()
        // unitRandom 0.999 ≈ the ceiling: 1, 2, 4, 8, 8 seconds.
        var expectedCeilings: [Duration] = [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8)]
        var attempt = 1
        while !expectedCeilings.isEmpty {
            let ceiling = expectedCeilings.removeFirst()
            guard case .wait(let until, let delay, let next) = machine.connectFailed(refused, unitRandom: 0.999) else {
                Issue.record("expected a wait")
                return
            }
            #expect(close(delay, ceiling * 0.999))
            #expect(until == clock.now.advanced(by: delay))
            #expect(next == attempt + 1)
            // Too early: still waiting, for the remainder.
            clock.advance(by: delay / 2)
            #expect(machine.timerFired() == .wait(until: until, delay: clock.now.duration(to: until), attempt: next))
            clock.advance(by: delay - delay / 2)
            #expect(machine.timerFired() == .connect(attempt: next, endpoint: 0))
            attempt = next
        }
        #expect(machine.consecutiveFailures == 5)
    }

    @Test("a connection that stayed up past stableAfter resets the backoff; a flapping one does not")
    func stableConnectionResetsBackoff() {
        var machine = machine()
        _ = machine.start()
        _ = machine.connectFailed(refused, unitRandom: 0.999)
        clock.advance(by: .seconds(1))
        #expect(machine.timerFired() == .connect(attempt: 2, endpoint: 0))
        _ = machine.connectSucceeded()

        // Lost after 2 s: the third consecutive failure, ceiling 4 s.
        clock.advance(by: .seconds(2))
        guard case .wait(_, let flapDelay, let flapAttempt) = machine.connectionLost(lost, unitRandom: 0.999) else {
            Issue.record("expected a wait")
            return
        }
        #expect(close(flapDelay, .seconds(2) * 0.999))
        #expect(flapAttempt == 3)

        clock.advance(by: .seconds(2))
        #expect(machine.timerFired() == .connect(attempt: 3, endpoint: 0))
        _ = machine.connectSucceeded()
        // Up for a minute, then lost: back to the first ceiling.
        clock.advance(by: .seconds(60))
        guard case .wait(_, let delay, let attempt) = machine.connectionLost(lost, unitRandom: 0.5) else {
            Issue.record("expected a wait")
            return
        }
        #expect(close(delay, .milliseconds(500)))
        #expect(attempt == 2)
        #expect(machine.consecutiveFailures == 1)
    }

    @Test("fatal errors give up at once", arguments: [
        BrokerError(kind: .authentication, operation: "connection.login", detail: "refused"),
        BrokerError(kind: .accessRefused, operation: "queue.declare", detail: "no permission", serverCode: 403),
    ])
    func fatalGivesUp(error: BrokerError) {
        var machine = machine()
        _ = machine.start()
        #expect(machine.connectFailed(error, unitRandom: 0.3) == .giveUp(error))
        #expect(machine.state == .stopped)
        #expect(machine.timerFired() == .none)
    }

    @Test("the failure limit gives up with the last error")
    func failureLimit() {
        var machine = machine(maxConsecutiveFailures: 3)
        _ = machine.start()
        for attempt in 2...3 {
            guard case .wait(let until, _, _) = machine.connectFailed(refused, unitRandom: 0.1) else {
                Issue.record("expected a wait")
                return
            }
            clock.advance(by: clock.now.duration(to: until))
            #expect(machine.timerFired() == .connect(attempt: attempt, endpoint: 0))
        }
        #expect(machine.connectFailed(lost, unitRandom: 0.1) == .giveUp(lost))
    }

    @Test("events that do not fit the state are ignored")
    func outOfOrderEvents() {
        var machine = machine()
        #expect(machine.connectSucceeded() == .none)
        #expect(machine.connectionLost(lost, unitRandom: 0.5) == .none)
        #expect(machine.state == .idle)
        _ = machine.start()
        #expect(machine.connectionLost(lost, unitRandom: 0.5) == .none)  // not connected yet
        _ = machine.stop()
        #expect(machine.start() == .none)
        #expect(machine.connectFailed(refused, unitRandom: 0.5) == .none)
    }

    // MARK: Several endpoints (the nodes of a cluster)

    func cluster(nodes: Int, first: Int = 0, maxConsecutiveFailures: Int? = nil) -> Machine {
        Machine(clock: clock, backoff: backoff, stableAfter: .seconds(10), maxConsecutiveFailures: maxConsecutiveFailures,
                endpointCount: nodes, firstEndpoint: first)
    }

    @Test("replicas start on the endpoint they are given, modulo the count")
    func firstEndpoint() {
        var second = cluster(nodes: 3, first: 4)
        #expect(second.start() == .connect(attempt: 1, endpoint: 1))
        var negative = cluster(nodes: 3, first: -1)
        #expect(negative.start() == .connect(attempt: 1, endpoint: 2))
    }

    @Test("a refused node moves to the next at once; the backoff waits only after every node failed")
    func refusedNodesRotateThenBackOff() {
        var machine = cluster(nodes: 3, first: 1)
        #expect(machine.start() == .connect(attempt: 1, endpoint: 1))
        #expect(machine.connectFailed(refused, unitRandom: 0.999) == .connect(attempt: 2, endpoint: 2))
        #expect(machine.connectFailed(refused, unitRandom: 0.999) == .connect(attempt: 3, endpoint: 0))
        // The third failure ends the round: the first backoff step (ceiling 1 s), then the round starts again.
        guard case .wait(let until, let delay, let attempt) = machine.connectFailed(refused, unitRandom: 0.999) else {
            Issue.record("expected a wait after a whole round failed")
            return
        }
        #expect(close(delay, .seconds(1) * 0.999))
        #expect(attempt == 4)
        clock.advance(by: clock.now.duration(to: until))
        #expect(machine.timerFired() == .connect(attempt: 4, endpoint: 1))
        #expect(machine.connectFailed(refused, unitRandom: 0.999) == .connect(attempt: 5, endpoint: 2))
        #expect(machine.connectFailed(refused, unitRandom: 0.999) == .connect(attempt: 6, endpoint: 0))
        // The second round failed too: the second backoff step.
        guard case .wait(_, let second, _) = machine.connectFailed(refused, unitRandom: 0.999) else {
            Issue.record("expected a wait after the second round")
            return
        }
        #expect(close(second, .seconds(2) * 0.999))
    }

    @Test("a stable connection that is lost fails over to the next node without waiting")
    func stableLossFailsOverAtOnce() {
        var machine = cluster(nodes: 3)
        _ = machine.start()
        _ = machine.connectSucceeded()
        clock.advance(by: .seconds(60))
        #expect(machine.connectionLost(lost, unitRandom: 0.999) == .connect(attempt: 2, endpoint: 1))
        // That node is down as well: the third is tried at once, and only then does the round wait.
        #expect(machine.connectFailed(refused, unitRandom: 0.999) == .connect(attempt: 3, endpoint: 2))
        guard case .wait = machine.connectFailed(refused, unitRandom: 0.999) else {
            Issue.record("expected a wait once all three nodes failed")
            return
        }
        #expect(machine.endpoint == 0)
    }

    @Test("connections lost soon after opening count as failed tries, so a flapping cluster still backs off")
    func flappingClusterBacksOff() {
        var machine = cluster(nodes: 2)
        _ = machine.start()
        _ = machine.connectSucceeded()
        clock.advance(by: .seconds(1))
        #expect(machine.connectionLost(lost, unitRandom: 0.999) == .connect(attempt: 2, endpoint: 1))
        _ = machine.connectSucceeded()
        clock.advance(by: .seconds(1))
        guard case .wait(_, let delay, _) = machine.connectionLost(lost, unitRandom: 0.999) else {
            Issue.record("expected a wait: both nodes dropped their connections within stableAfter")
            return
        }
        #expect(close(delay, .seconds(1) * 0.999))
        #expect(machine.endpoint == 0)
    }

    @Test("a fatal error gives up even with nodes left to try")
    func fatalOnOneNodeGivesUp() {
        var machine = cluster(nodes: 3)
        _ = machine.start()
        let denied = BrokerError(kind: .authentication, operation: "connection.login", detail: "refused")
        #expect(machine.connectFailed(denied, unitRandom: 0.5) == .giveUp(denied))
    }

    @Test("the failure limit counts every node's failure")
    func failureLimitAcrossNodes() {
        var machine = cluster(nodes: 3, maxConsecutiveFailures: 2)
        _ = machine.start()
        #expect(machine.connectFailed(refused, unitRandom: 0.5) == .connect(attempt: 2, endpoint: 1))
        #expect(machine.connectFailed(refused, unitRandom: 0.5) == .giveUp(refused))
    }
}

@Suite("Topology names")
struct TopologyNameTests {
    @Test("stage queues, routing keys and dead queues derive from the namespace")
    func names() {
        let production = Topology()
        #expect(production.exchange == "si")
        #expect(production.deadLetterExchange == "si.dlx")
        #expect(Topology.Stage.allCases.map(production.queue) == [
            "si.generate", "si.filter.instructions", "si.filter.instances", "si.classify", "si.instances", "si.shards",
        ])
        #expect(production.routingKey(.classify) == production.queue(.classify))
        #expect(production.deadQueue(.filterInstances) == "si.filter.instances.dead")

        let isolated = Topology(namespace: "t-42", queueType: .quorum)
        #expect(isolated.queue(.generate) == "t-42.generate")
        #expect(isolated.deadLetterExchange == "t-42.dlx")
    }
}
