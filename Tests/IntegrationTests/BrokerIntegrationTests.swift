import Broker
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("RabbitMQ through rabbitmq-c", .timeLimit(.minutes(2)))
struct BrokerIntegrationTests {
    /// A direct exchange and a bound queue of `type`, private to one test, removed afterwards.
    struct Topology {
        let exchange: String
        let queue: String
        let routingKey = "work"
    }

    private func withTopology(
        _ type: QueueType,
        _ body: (_ publisher: AMQPConnection, _ consumer: AMQPConnection, _ topology: Topology) throws -> Void
    ) throws {
        let suffix = uniqueSuffix()
        let topology = Topology(exchange: "si.test.\(suffix)", queue: "si.test.\(type.rawValue).\(suffix)")
        let publisher = try ServiceGate.broker()
        defer { publisher.close() }
        let consumer = try ServiceGate.broker()
        defer { consumer.close() }
        try publisher.declareExchange(topology.exchange)
        try publisher.declareQueue(topology.queue, type: type)
        try publisher.bindQueue(topology.queue, exchange: topology.exchange, routingKey: topology.routingKey)
        defer {
            if publisher.isOpen {
                _ = try? publisher.queueDelete(topology.queue)
                try? publisher.exchangeDelete(topology.exchange)
            }
        }
        try body(publisher, consumer, topology)
    }

    /// Polls the ready-message count (quorum queues apply acks asynchronously) until it equals `expected`.
    private func readyCount(_ connection: AMQPConnection, _ queue: String, settlingAt expected: UInt32) throws -> UInt32 {
        var count = try connection.inspectQueue(queue).messageCount
        for _ in 0..<30 where count != expected {
            usleep(100_000)
            count = try connection.inspectQueue(queue).messageCount
        }
        return count
    }

    @Test("publish with confirms, consume with manual ack; the queue is empty afterwards",
          arguments: [QueueType.classic, .quorum])
    func publishConfirmConsumeAck(type: QueueType) throws {
        try withTopology(type) { publisher, consumer, topology in
            // Redeclaring the same topology is a no-op.
            try publisher.declareExchange(topology.exchange)
            let redeclared = try publisher.declareQueue(topology.queue, type: type)
            #expect(redeclared.name == topology.queue)
            #expect(redeclared.messageCount == 0)
            try publisher.bindQueue(topology.queue, exchange: topology.exchange, routingKey: topology.routingKey)

            let messages: [(id: String, body: [UInt8])] = [
                ("m-1", Array("{\"task\": \"naïve – 日本語\"}".utf8)),
                ("m-2", Array(0...255)),
                ("m-3", []),
            ]
            try publisher.confirmSelect()
            var sequenceNumbers: [UInt64] = []
            for message in messages {
                let sequence = try publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey,
                                                     body: message.body, messageID: message.id, persistent: true)
                sequenceNumbers.append(try #require(sequence))
            }
            #expect(sequenceNumbers == [1, 2, 3])
            try publisher.waitForConfirms(timeout: .seconds(10))
            #expect(publisher.unconfirmedCount == 0)
            #expect(try readyCount(publisher, topology.queue, settlingAt: 3) == 3)

            try consumer.basicQos(prefetch: 10)
            let consumerTag = try consumer.consume(queue: topology.queue)
            #expect(!consumerTag.isEmpty)
            for message in messages {
                let delivery = try #require(try consumer.nextDelivery(timeout: .seconds(5)))
                #expect(delivery.messageID == message.id)
                #expect(delivery.body == message.body)
                #expect(delivery.redelivered == false)
                #expect(delivery.exchange == topology.exchange)
                #expect(delivery.routingKey == topology.routingKey)
                try consumer.ack(delivery.deliveryTag)
            }
            #expect(try consumer.nextDelivery(timeout: .milliseconds(300)) == nil)
            // Closing the consumer would requeue anything unacknowledged; after the acks nothing comes back.
            consumer.close()
            #expect(try readyCount(publisher, topology.queue, settlingAt: 0) == 0)
        }
    }

    @Test("a nack with requeue is delivered again, marked redelivered", arguments: [QueueType.classic, .quorum])
    func nackRequeueRedelivers(type: QueueType) throws {
        try withTopology(type) { publisher, consumer, topology in
            try publisher.confirmSelect()
            try publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey,
                                  body: Array("retry me".utf8), messageID: "m-nack")
            try publisher.waitForConfirms(timeout: .seconds(10))

            try consumer.basicQos(prefetch: 1)
            try consumer.consume(queue: topology.queue)
            let first = try #require(try consumer.nextDelivery(timeout: .seconds(5)))
            #expect(first.messageID == "m-nack")
            #expect(first.redelivered == false)
            try consumer.nack(first.deliveryTag, requeue: true)

            let second = try #require(try consumer.nextDelivery(timeout: .seconds(5)))
            #expect(second.messageID == "m-nack")
            #expect(second.body == Array("retry me".utf8))
            #expect(second.redelivered == true)
            #expect(second.deliveryTag != first.deliveryTag)
            try consumer.ack(second.deliveryTag)
            consumer.close()
            #expect(try readyCount(publisher, topology.queue, settlingAt: 0) == 0)
        }
    }

    @Test("a missing queue is notFound and permanent; the connection then opens a fresh channel")
    func passiveDeclareOfMissingQueue() throws {
        let connection = try ServiceGate.broker()
        defer { connection.close() }
        let missing = "si.test.missing.\(uniqueSuffix())"
        let error = try #require(throws: BrokerError.self) { try connection.inspectQueue(missing) }
        #expect(error.kind == .notFound)
        #expect(error.serverCode == 404)
        #expect(error.classification == .permanent)
        #expect(error.operation == "queue.declare(passive)")

        let queue = "si.test.after-error.\(uniqueSuffix())"
        let state = try connection.declareQueue(queue)
        #expect(state.name == queue)
        try connection.queueDelete(queue)
    }

    @Test("confirm mode survives a channel that the broker closed after an error")
    func confirmsSurviveChannelError() throws {
        try withTopology(.classic) { publisher, _, topology in
            try publisher.confirmSelect()
            try publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey, body: [1])
            try publisher.waitForConfirms(timeout: .seconds(10))
            #expect(throws: BrokerError.self) { try publisher.inspectQueue("si.test.missing.\(uniqueSuffix())") }
            // The fresh channel numbers confirms from 1 again.
            let sequence = try publisher.publish(exchange: topology.exchange, routingKey: topology.routingKey, body: [2])
            #expect(sequence == 1)
            try publisher.waitForConfirms(timeout: .seconds(10))
            #expect(try publisher.inspectQueue(topology.queue).messageCount == 2)
        }
    }

    @Test("redeclaring a quorum queue as classic is a permanent precondition failure")
    func conflictingRedeclareIsRejected() throws {
        let connection = try ServiceGate.broker()
        defer { connection.close() }
        let queue = "si.test.conflict.\(uniqueSuffix())"
        try connection.declareQueue(queue, type: .quorum)
        defer { _ = try? connection.queueDelete(queue) }
        try connection.declareQueue(queue, type: .quorum)
        let error = try #require(throws: BrokerError.self) { try connection.declareQueue(queue, type: .classic) }
        #expect(error.kind == .preconditionFailed)
        #expect(error.serverCode == 406)
        #expect(error.classification == .permanent)
    }

    @Test("a wrong password is an authentication failure that never shows the password")
    func wrongPasswordIsFatal() throws {
        let url = try ServiceGate.brokerURL()
        let wrong = try #require(replacingPassword(in: url, with: "not-the-password-4711"))
        let error = try #require(throws: BrokerError.self) { try AMQPConnection.connect(url: wrong).close() }
        #expect(error.kind == .authentication)
        #expect(error.classification == .fatal)
        #expect(!error.description.contains("not-the-password-4711"))
        #expect(!error.debugDescription.contains("not-the-password-4711"))
    }

    private func replacingPassword(in url: String, with password: String) -> String? {
        guard let schemeEnd = url.firstRange(of: "://"), let at = url.lastIndex(of: "@"),
              let colon = url[schemeEnd.upperBound..<at].firstIndex(of: ":")
        else { return nil }
        return String(url[...colon]) + password + String(url[at...])
    }
}
