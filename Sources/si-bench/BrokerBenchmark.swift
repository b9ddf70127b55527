import ArgumentParser
import Broker
import SelfInstruct
import Logging

struct BrokerBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Publish-with-confirm and consume+ack throughput through the Broker façade against a real RabbitMQ.",
        discussion: """
            Declares a private topology (namespace si-bench-<random>), publishes --messages persistent messages to
            one stage queue from --in-flight concurrent tasks, waits for every confirm, then consumes them all with
            prefetch --prefetch, acking each, and deletes the topology.
            Example:
              eval "$(deploy/local/services.sh env)"
              swift run -c release si-bench broker --url "$SI_AMQP_URL" --messages 50000 --queue-type quorum
            """
    )

    @Option(help: ArgumentHelp("amqp:// URL of the broker.", valueName: "url"))
    var url: String

    @Option(help: "Messages to publish and consume.")
    var messages: Int = 50_000

    @Option(help: "Body size in bytes.")
    var bodySize: Int = 200

    @Option(help: "Concurrent publish calls (also the publisher's confirm window).")
    var inFlight: Int = 1000

    @Option(help: "Consumer prefetch (unacked deliveries).")
    var prefetch: UInt16 = 500

    @Option(help: "classic or quorum.")
    var queueType: String = "classic"

    func run() async throws {
        let logger = Logger(label: "si-bench.broker")
        let type = QueueType(rawValue: queueType) ?? .classic
        let topology = Topology(namespace: "si-bench-\(UInt32.random(in: 0...UInt32.max))", queueType: type)
        let settings = BrokerSettings(url: url, logger: logger, topology: topology)
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: bodySize)
        let routingKey = topology.routingKey(.generate)
        let total = messages
        let window = inFlight

        let publisher = try await BrokerPublisher.connect(settings: settings, window: window)
        let publishStart = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                let index = next
                next += 1
                group.addTask {
                    try await publisher.publish(exchange: topology.exchange, routingKey: routingKey, body: body,
                                                messageID: "m-\(index)")
                }
            }
            while next < min(window, total) { add() }
            while try await group.next() != nil {
                if next < total { add() }
            }
        }
        let publishTime = publishStart.duration(to: .now)
        await publisher.close()

        let consumer = try await BrokerConsumer.connect(settings: settings)
        let consumeStart = ContinuousClock.now
        var received = 0
        for try await delivery in consumer.deliveries(queue: topology.queue(.generate), prefetch: prefetch) {
            try await consumer.ack(delivery)
            received += 1
            if received == total { break }
        }
        let consumeTime = consumeStart.duration(to: .now)
        await consumer.close()

        let admin = try AMQPConnection.connect(url: url)
        try topology.delete(on: admin)
        admin.close()

        func rate(_ duration: Duration) -> Int {
            let (seconds, attoseconds) = duration.components
            return Int(Double(total) / (Double(seconds) + Double(attoseconds) / 1e18))
        }
        print("queue type \(type.rawValue), \(total) messages of \(bodySize) bytes")
        print("publish with confirms (\(window) in flight): \(publishTime) → \(rate(publishTime)) msg/s")
        print("consume + ack (prefetch \(prefetch)): \(consumeTime) → \(rate(consumeTime)) msg/s")
    }
}
