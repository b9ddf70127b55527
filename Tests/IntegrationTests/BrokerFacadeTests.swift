import Broker
import Operations
import SelfInstruct
import Logging
import TestSupport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The async façade against a real RabbitMQ: confirms, acks, heartbeats under a busy caller, reconnects.
@Suite("RabbitMQ through the async façade", .timeLimit(.minutes(2)))
struct BrokerFacadeTests {
    static let quiet = Logger(label: "si.test.broker", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A topology in a namespace of its own, declared once, deleted afterwards.
    private func withTopology(
        _ type: QueueType = .classic,
        _ body: (_ settings: BrokerSettings, _ topology: Topology) async throws -> Void
    ) async throws {
        let url = try ServiceGate.brokerURL()
        let topology = Topology(namespace: "si-test-\(uniqueSuffix())", queueType: type)
        let admin = try ServiceGate.broker()
        defer {
            try? topology.delete(on: admin)
            admin.close()
        }
        try topology.declare(on: admin)
        let settings = BrokerSettings(url: url, logger: Self.quiet, heartbeat: .seconds(5), topology: topology,
                                      backoff: Backoff(base: .milliseconds(50), cap: .seconds(1)),
                                      maxConsecutiveFailures: 20)
        try await body(settings, topology)
    }

    private func readyCount(_ queue: String, settlingAt expected: UInt32) throws -> UInt32 {
        let connection = try ServiceGate.broker()
        defer { connection.close() }
        var count = try connection.inspectQueue(queue).messageCount
        for _ in 0..<30 where count != expected {
            usleep(100_000)
            count = try connection.inspectQueue(queue).messageCount
        }
        return count
    }

    private func body(_ index: Int) -> [UInt8] { Array("{\"n\":\(index)}".utf8) }

    @Test("1000 messages published with confirms are all consumed once and acked", arguments: [QueueType.classic, .quorum])
    func thousandMessages(type: QueueType) async throws {
        try await withTopology(type) { settings, topology in
            let publisher = try await BrokerPublisher.connect(settings: settings, window: 200)
            let count = 1000
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<count {
                    group.addTask {
                        try await publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey(.generate),
                                                    body: self.body(index), messageID: "m-\(index)")
                    }
                }
                try await group.waitForAll()
            }
            await publisher.close()
            #expect(try readyCount(topology.queue(.generate), settlingAt: UInt32(count)) == UInt32(count))

            let consumer = try await BrokerConsumer.connect(settings: settings)
            var seen: [String: Int] = [:]
            var bodiesMatch = true
            for try await delivery in consumer.deliveries(queue: topology.queue(.generate), prefetch: 50) {
                let id = try #require(delivery.messageID)
                seen[id, default: 0] += 1
                if let index = Int(id.dropFirst(2)), delivery.body != body(index) { bodiesMatch = false }
                try await consumer.ack(delivery)
                if seen.count == count { break }
            }
            // Nothing else arrives: no duplicates waiting behind the last one.
            try await Task.sleep(for: .milliseconds(300))
            await consumer.close()
            #expect(seen.count == count)
            #expect(seen.values.allSatisfy { $0 == 1 })
            #expect(Set(seen.keys) == Set((0..<count).map { "m-\($0)" }))
            #expect(bodiesMatch)
            #expect(try readyCount(topology.queue(.generate), settlingAt: 0) == 0)
        }
    }

    @Test("a nack with requeue comes back marked redelivered; an ack removes it")
    func nackRequeue() async throws {
        try await withTopology { settings, topology in
            let publisher = try await BrokerPublisher.connect(settings: settings)
            try await publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey(.classify),
                                        body: Array("again".utf8), messageID: "m-requeue")
            await publisher.close()

            let consumer = try await BrokerConsumer.connect(settings: settings)
            var iterator = consumer.deliveries(queue: topology.queue(.classify), prefetch: 1).makeAsyncIterator()
            let first = try #require(try await iterator.next())
            #expect(first.messageID == "m-requeue")
            #expect(!first.redelivered)
            try await consumer.nack(first, requeue: true)
            let second = try #require(try await iterator.next())
            #expect(second.messageID == "m-requeue")
            #expect(second.redelivered)
            #expect(second.body == Array("again".utf8))
            try await consumer.ack(second)
            await consumer.close()
            #expect(try readyCount(topology.queue(.classify), settlingAt: 0) == 0)
        }
    }

    @Test("a message rejected without requeue is dead-lettered to <queue>.dead", arguments: [QueueType.classic, .quorum])
    func deadLettering(type: QueueType) async throws {
        try await withTopology(type) { settings, topology in
            let publisher = try await BrokerPublisher.connect(settings: settings)
            try await publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey(.instances),
                                        body: Array("poison".utf8), messageID: "m-poison")
            await publisher.close()

            let consumer = try await BrokerConsumer.connect(settings: settings)
            var iterator = consumer.deliveries(queue: topology.queue(.instances), prefetch: 1).makeAsyncIterator()
            let delivery = try #require(try await iterator.next())
            try await consumer.nack(delivery, requeue: false)
            await consumer.close()

            let deadConsumer = try await BrokerConsumer.connect(settings: settings)
            var deadIterator = deadConsumer.deliveries(queue: topology.deadQueue(.instances), prefetch: 1).makeAsyncIterator()
            let dead = try #require(try await deadIterator.next())
            #expect(dead.messageID == "m-poison")
            #expect(dead.body == Array("poison".utf8))
            #expect(dead.routingKey == topology.routingKey(.instances))
            try await deadConsumer.ack(dead)
            await deadConsumer.close()
            #expect(try readyCount(topology.queue(.instances), settlingAt: 0) == 0)
            #expect(try readyCount(topology.deadQueue(.instances), settlingAt: 0) == 0)
        }
    }

    @Test("declaring the topology again is a no-op that keeps queued messages", arguments: [QueueType.classic, .quorum])
    func topologyRedeclare(type: QueueType) async throws {
        try await withTopology(type) { settings, topology in
            let publisher = try await BrokerPublisher.connect(settings: settings)  // declares it a second time
            try await publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey(.shards),
                                        body: [1, 2, 3], messageID: "m-kept")
            await publisher.close()
            let connection = try ServiceGate.broker()
            defer { connection.close() }
            try topology.declare(on: connection)
            try topology.declare(on: connection)
            #expect(try readyCount(topology.queue(.shards), settlingAt: 1) == 1)
            for stage in Topology.Stage.allCases {
                #expect(try connection.inspectQueue(topology.queue(stage)).name == topology.queue(stage))
                #expect(try connection.inspectQueue(topology.deadQueue(stage)).name == topology.deadQueue(stage))
            }
            // The other queue type under the same names is a conflict, not a silent change.
            let other = Topology(namespace: topology.namespace, queueType: type == .classic ? .quorum : .classic)
            let error = try #require(throws: BrokerError.self) { try other.declare(on: connection) }
            #expect(error.kind == .preconditionFailed)
        }
    }

    @Test("heartbeats keep the connection alive while a delivery is held unacked for 7 s (heartbeat 2 s)")
    func heartbeatsWhileBusy() async throws {
        try await withTopology { settings, topology in
            var settings = settings
            settings.heartbeat = .seconds(2)
            let publisher = try await BrokerPublisher.connect(settings: settings)
            try await publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey(.generate),
                                        body: Array("slow teacher".utf8), messageID: "m-slow")

            let consumer = try await BrokerConsumer.connect(settings: settings)
            var iterator = consumer.deliveries(queue: topology.queue(.generate), prefetch: 1).makeAsyncIterator()
            let delivery = try #require(try await iterator.next())
            // The "teacher call": nothing touches the consumer for 3.5 heartbeat intervals.
            try await Task.sleep(for: .seconds(7))
            try await consumer.ack(delivery)
            #expect(consumer.status.connectionsOpened == 1)
            #expect(consumer.status.isConnected)
            #expect(consumer.status.lastError == nil)
            // The idle publisher's connection survived the same 7 s.
            try await publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey(.classify),
                                        body: [0], messageID: "m-after")
            #expect(publisher.status.connectionsOpened == 1)
            await publisher.close()
            await consumer.close()
            #expect(try readyCount(topology.queue(.generate), settlingAt: 0) == 0)
        }
    }

    @Test("cancel requeues prefetched deliveries not yet taken; a taken one can still be acked")
    func cancelRequeuesPrefetched() async throws {
        try await withTopology { settings, topology in
            let publisher = try await BrokerPublisher.connect(settings: settings)
            for index in 0..<5 {
                try await publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey(.filterInstances),
                                            body: body(index), messageID: "m-\(index)")
            }
            await publisher.close()

            let consumer = try await BrokerConsumer.connect(settings: settings)
            var iterator = consumer.deliveries(queue: topology.queue(.filterInstances), prefetch: 10).makeAsyncIterator()
            let taken = try #require(try await iterator.next())
            try await Task.sleep(for: .milliseconds(300))  // the other four arrive in the buffer
            await consumer.cancel()
            #expect(try await iterator.next() == nil)
            #expect(try readyCount(topology.queue(.filterInstances), settlingAt: 4) == 4)
            try await consumer.ack(taken)
            await consumer.close()
            #expect(try readyCount(topology.queue(.filterInstances), settlingAt: 4) == 4)
        }
    }

    @Test("close returns unacked and prefetched deliveries to the queue")
    func closeRequeues() async throws {
        try await withTopology { settings, topology in
            let publisher = try await BrokerPublisher.connect(settings: settings)
            for index in 0..<3 {
                try await publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey(.generate),
                                            body: body(index), messageID: "m-\(index)")
            }
            await publisher.close()
            let consumer = try await BrokerConsumer.connect(settings: settings)
            var iterator = consumer.deliveries(queue: topology.queue(.generate), prefetch: 10).makeAsyncIterator()
            let held = try #require(try await iterator.next())
            await consumer.close()
            #expect(try await iterator.next() == nil)
            let error = await #expect(throws: BrokerError.self) { try await consumer.ack(held) }
            #expect(error?.kind == .closed)
            #expect(try readyCount(topology.queue(.generate), settlingAt: 3) == 3)
        }
    }

    /// The broker URL rewritten to go through `proxy`.
    private func proxied(_ settings: BrokerSettings) throws -> (BrokerSettings, TCPProxy) {
        guard settings.url.hasPrefix("amqp://"), let at = settings.url.lastIndex(of: "@") else {
            throw GateFailure(text: "cannot parse the broker URL")
        }
        let afterAt = settings.url.index(after: at)
        let hostEnd = settings.url[afterAt...].firstIndex(of: "/") ?? settings.url.endIndex
        let hostPort = settings.url[afterAt..<hostEnd]
        guard let colon = hostPort.lastIndex(of: ":"), let port = UInt16(hostPort[hostPort.index(after: colon)...]),
              hostPort[..<colon] == "127.0.0.1" || hostPort[..<colon] == "localhost"
        else {
            try Test.cancel("the reconnect tests need a broker on loopback")
        }
        let proxy = try TCPProxy(upstreamPort: port)
        var rewritten = settings
        rewritten.url = String(settings.url[..<afterAt]) + "127.0.0.1:\(proxy.port)" + String(settings.url[hostEnd...])
        return (rewritten, proxy)
    }

    private func waitFor(_ condition: () -> Bool, timeout: Duration = .seconds(20)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now > deadline { return false }
            try await Task.sleep(for: .milliseconds(50))
        }
        return true
    }

    /// After a lost connection, with m-0…m-2 published before it and `held` taken from them: acking `held` fails,
    /// m-3 is published on the new connection, and all four arrive once more, `held` marked redelivered. Returns
    /// each message's redelivered flag.
    @discardableResult
    private func expectRedelivery(
        of held: Delivery, from iterator: inout DeliveryStream.AsyncIterator, publisher: BrokerPublisher,
        consumer: BrokerConsumer, topology: Topology, stage: Topology.Stage
    ) async throws -> [String: Bool] {
        let error = await #expect(throws: BrokerError.self) { try await consumer.ack(held) }
        #expect(error?.kind == .connectionClosed)
        try await publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey(stage),
                                    body: body(3), messageID: "m-3")
        var received: [String: Bool] = [:]
        while received.count < 4 {
            let delivery = try #require(try await iterator.next())
            received[delivery.messageID ?? "?"] = delivery.redelivered
            try await consumer.ack(delivery)
        }
        #expect(Set(received.keys) == ["m-0", "m-1", "m-2", "m-3"])
        #expect(received[held.messageID ?? "?"] == true)
        return received
    }

    @Test("after the TCP connection is reset, publisher and consumer reconnect and unacked deliveries come back")
    func reconnectAfterReset() async throws {
        try await withTopology { directSettings, topology in
            let (settings, proxy) = try proxied(directSettings)
            defer { proxy.close() }
            let publisher = try await BrokerPublisher.connect(settings: settings)
            let consumer = try await BrokerConsumer.connect(settings: settings)
            for index in 0..<3 {
                try await publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey(.classify),
                                            body: body(index), messageID: "m-\(index)")
            }
            var iterator = consumer.deliveries(queue: topology.queue(.classify), prefetch: 10).makeAsyncIterator()
            let held = try #require(try await iterator.next())
            #expect(!held.redelivered)

            proxy.severAll()
            #expect(try await waitFor { consumer.status.connectionsOpened == 2 && publisher.status.connectionsOpened == 2 })
            #expect(consumer.status.lastError?.classification == .transient)

            // The delivery belongs to the dead connection: acking it fails, and the broker delivers it again.
            let received = try await expectRedelivery(of: held, from: &iterator, publisher: publisher, consumer: consumer,
                                                      topology: topology, stage: .classify)
            #expect(received["m-3"] == false)
            await publisher.close()
            await consumer.close()
            #expect(try readyCount(topology.queue(.classify), settlingAt: 0) == 0)
        }
    }

    @Test("connections reset during a burst of publishes: every publish is answered, confirmed or failed, none hangs")
    func resetsDuringABurstAnswerEveryPublish() async throws {
        try await withTopology { directSettings, topology in
            let (settings, proxy) = try proxied(directSettings)
            defer { proxy.close() }
            let publisher = try await BrokerPublisher.connect(settings: settings)
            let callers = 64, perCaller = 60
            let answered = PublishAnswers()
            let payload = body(0)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for caller in 0..<callers {
                    group.addTask {
                        for index in 0..<perCaller {
                            // A failure is an answer too: the outbox would publish that message again.
                            _ = try? await publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey(.shards),
                                                             body: payload, messageID: "m-\(caller)-\(index)")
                            answered.add()
                        }
                    }
                }
                // Resets while the publisher thread is writing batches taken from its mailbox.
                group.addTask {
                    for _ in 0..<6 {
                        try await Task.sleep(for: .milliseconds(150))
                        proxy.severAll()
                    }
                }
                // Before the fix, a publish taken from the mailbox and not yet written when the socket failed was
                // never answered: its caller waited forever.
                group.addTask {
                    try await Task.sleep(for: .seconds(60))
                    throw GateFailure(text: "publishes left unanswered: \(callers * perCaller - answered.count)")
                }
                while answered.count < callers * perCaller {
                    try await Task.sleep(for: .milliseconds(50))
                }
                group.cancelAll()
            }
            #expect(answered.count == callers * perCaller)
            #expect(publisher.status.connectionsOpened > 1)
            await publisher.close()
        }
    }

    @Test("a stalled connection is detected by missed heartbeats and replaced")
    func reconnectAfterStall() async throws {
        try await withTopology { directSettings, topology in
            let (proxiedSettings, proxy) = try proxied(directSettings)
            defer { proxy.close() }
            var settings = proxiedSettings
            settings.heartbeat = .seconds(1)
            let consumer = try await BrokerConsumer.connect(settings: settings)
            var iterator = consumer.deliveries(queue: topology.queue(.shards), prefetch: 5).makeAsyncIterator()
            let publisher = try await BrokerPublisher.connect(settings: directSettings)
            // One round trip first, so the consumer is idle in its event loop when the network stalls.
            try await publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey(.shards),
                                        body: [6], messageID: "m-before-stall")
            let before = try #require(try await iterator.next())
            try await consumer.ack(before)
            proxy.stallAll()
            let started = ContinuousClock.now
            #expect(try await waitFor { consumer.status.connectionsOpened == 2 })
            let detection = started.duration(to: .now)
            #expect(detection >= .seconds(1))
            let lastError = try #require(consumer.status.lastError)
            #expect(lastError.kind == .connectionClosed)
            // Whichever side notices first: our missed-heartbeat check, or the broker's (it then closes its side
            // and the proxy passes the close on). On a loaded machine either can win; both end in a new connection.
            #expect(lastError.detail.contains("heartbeat") || lastError.detail.contains("closed"), "\(String(reflecting: lastError))")

            try await publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey(.shards),
                                        body: [7], messageID: "m-after-stall")
            await publisher.close()
            let delivery = try #require(try await iterator.next())
            #expect(delivery.messageID == "m-after-stall")
            try await consumer.ack(delivery)
            await consumer.close()
        }
    }

    /// Two "nodes" of a cluster, each a proxy in front of the same broker, listed in that order in one URL.
    private func twoNodes(_ settings: BrokerSettings) throws -> (BrokerSettings, first: TCPProxy, second: TCPProxy) {
        let (viaFirst, first) = try proxied(settings)
        let (viaSecond, second) = try proxied(settings)
        var listed = settings
        listed.url = viaFirst.url + "," + viaSecond.url
        listed.firstEndpoint = 0
        return (listed, first, second)
    }

    @Test("with a list of nodes, a node that goes silent fails publisher and consumer over to the next; nothing is lost")
    func failoverToTheNextNode() async throws {
        try await withTopology(.quorum) { directSettings, topology in
            var (settings, first, second) = try twoNodes(directSettings)
            defer {
                first.close()
                second.close()
            }
            settings.heartbeat = .seconds(1)
            let publisher = try await BrokerPublisher.connect(settings: settings)
            let consumer = try await BrokerConsumer.connect(settings: settings)
            #expect(first.acceptedCount == 2 && second.acceptedCount == 0)
            for index in 0..<3 {
                try await publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey(.instances),
                                            body: body(index), messageID: "m-\(index)")
            }
            var iterator = consumer.deliveries(queue: topology.queue(.instances), prefetch: 10).makeAsyncIterator()
            let held = try #require(try await iterator.next())

            // The first node is cut off: no reset, no FIN, just silence, as when its link goes down.
            first.stallAll()
            #expect(try await waitFor { consumer.status.connectionsOpened == 2 && publisher.status.connectionsOpened == 2 })
            #expect(second.acceptedCount == 2, "both connections moved to the second node")
            #expect(first.acceptedCount == 2, "no connection went back to the silent node")

            // The held delivery came through the lost node: its ack fails and the broker delivers it again.
            // m-3 may come redelivered: until the broker notices the silent client, it can still hand it to the
            // old consumer, and requeues it when it closes that connection.
            try await expectRedelivery(of: held, from: &iterator, publisher: publisher, consumer: consumer,
                                       topology: topology, stage: .instances)
            await publisher.close()
            await consumer.close()
            #expect(try readyCount(topology.queue(.instances), settlingAt: 0) == 0)
        }
    }

    /// `url` with its host and port replaced by 127.0.0.1:1, where nothing listens: a node that is down, with the
    /// same credentials and vhost.
    static func downNode(_ url: String) throws -> String {
        guard let at = url.lastIndex(of: "@"), let slash = url[at...].firstIndex(of: "/") else {
            throw GateFailure(text: "cannot parse the broker URL")
        }
        return String(url[...at]) + "127.0.0.1:1" + String(url[slash...])
    }

    @Test("a node that refuses is skipped for the next one at once, without a backoff wait")
    func refusedNodeIsSkipped() async throws {
        try await withTopology { directSettings, topology in
            // The first node is down: port 1, where nothing listens and no other test can bind a proxy (a closed
            // proxy's port could be handed to another test's proxy, which would accept and then hang).
            var (settings, second) = try proxied(directSettings)
            defer { second.close() }
            settings.url = try Self.downNode(directSettings.url) + "," + settings.url
            settings.firstEndpoint = 0
            // Were the refusal followed by a backoff wait, the driver would log "broker reconnect scheduled" (and
            // wait up to 10 minutes). Counted from the log, not the clock: a loaded CI broker can take seconds to
            // accept a connection.
            settings.backoff = Backoff(base: .seconds(600), cap: .seconds(600))
            let lines = LogLines()
            settings.logger = Logger(label: "si.test.refused") { _ in CapturingLogHandler(lines: lines) }
            let publisher = try await BrokerPublisher.connect(settings: settings)
            #expect(lines.messages.contains("broker connect failed"))
            #expect(!lines.messages.contains("broker reconnect scheduled"), "\(lines.messages)")
            #expect(second.acceptedCount == 1)
            try await publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey(.shards),
                                        body: body(1), messageID: "m-1")
            await publisher.close()
            #expect(try readyCount(topology.queue(.shards), settlingAt: 1) == 1)
        }
    }

    @Test("an empty item in the URL list is refused at once, naming its position")
    func emptyListItemIsRefused() async throws {
        let url = try ServiceGate.brokerURL()
        let settings = BrokerSettings(url: url + ",,", logger: Self.quiet)
        let error = await #expect(throws: BrokerError.self) { _ = try await BrokerPublisher.connect(settings: settings) }
        #expect(error?.kind == .invalidURL)
        #expect(error?.detail.contains("item 2 of 3") == true, "\(String(describing: error))")
        #expect(error?.detail.contains(TLSTests.password(in: url)) == false, "the password stays out of the message")
    }

    @Test("sictl doctor checks every node of a list and names the one that does not answer")
    func doctorNamesTheNodeThatIsDown() async throws {
        let url = try ServiceGate.brokerURL()
        let down = try Self.downNode(url)
        let healthy = await Doctor(environment: [EnvironmentVariable.amqpURL: url + "," + url], timeout: .seconds(5)).run()
        let both = try #require(healthy.checks.first { $0.name == "broker" })
        #expect(both.ok)
        #expect(both.detail.hasPrefix("2 of 2 nodes accept the login"), "\(both.detail)")

        let report = await Doctor(environment: [EnvironmentVariable.amqpURL: url + "," + down], timeout: .seconds(5)).run()
        let broker = try #require(report.checks.first { $0.name == "broker" })
        #expect(!broker.ok)
        #expect(broker.detail.hasPrefix("1 of 2 nodes accept the login"), "\(broker.detail)")
        #expect(broker.detail.contains("127.0.0.1:1 "), "\(broker.detail)")
        #expect(!broker.detail.contains(TLSTests.password(in: url)), "no password in the detail")
        // The queues are still checked through the node that answers.
        #expect(report.checks.contains { $0.name == "queues" && !$0.detail.contains("no broker") })
    }

    @Test("a wrong password gives up at once with a fatal authentication error")
    func fatalConnectGivesUp() async throws {
        try await withTopology { settings, _ in
            var settings = settings
            guard let at = settings.url.lastIndex(of: "@"),
                  let colon = settings.url[settings.url.index(settings.url.startIndex, offsetBy: 7)..<at].firstIndex(of: ":")
            else { throw GateFailure(text: "cannot parse the broker URL") }
            settings.url = String(settings.url[...colon]) + "wrong-password" + String(settings.url[at...])
            let error = await #expect(throws: BrokerError.self) { _ = try await BrokerPublisher.connect(settings: settings) }
            #expect(error?.kind == .authentication)
            let consumer = BrokerConsumer(settings: settings)
            var iterator = consumer.deliveries(queue: "unused", prefetch: 1).makeAsyncIterator()
            await #expect(throws: BrokerError.self) { _ = try await iterator.next() }
            #expect(consumer.status.isFinished)
            await consumer.close()
        }
    }
}

/// Publishes answered so far, counted from many tasks.
private final class PublishAnswers: Sendable {
    private let answered = Mutex(0)
    var count: Int { answered.withLock { $0 } }
    func add() { answered.withLock { $0 += 1 } }
}

/// Log messages kept for a test to read.
private final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    var messages: [String] { lines.withLock { $0 } }
    func append(_ message: String) { lines.withLock { $0.append(message) } }
}

/// Keeps every message (info and above) in `lines`.
private struct CapturingLogHandler: LogHandler {
    let lines: LogLines
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .info

    func log(event: LogEvent) { lines.append(event.message.description) }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}
