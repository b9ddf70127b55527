public import SelfInstruct

/// The pipeline's exchanges and queues: one durable direct exchange, one durable queue per stage bound by its own
/// name, and a dead-letter exchange with one `<queue>.dead` queue per stage.
///
/// With the default namespace `si` the names are `si`, `si.generate`, …, `si.dlx`, `si.generate.dead`, …; tests
/// pick a namespace of their own to stay apart. Declaring is idempotent: redeclaring identical entities is a no-op.
public struct Topology: Sendable, Hashable {
    /// The pipeline stages that own a queue (the domain's stage names).
    public typealias Stage = PipelineStage

    /// The first component of every name (`si` in production).
    public var namespace: String
    /// Classic queues on a single broker, quorum queues on a cluster.
    public var queueType: QueueType

    /// Makes a topology description; nothing is declared until `declare(on:)`.
    public init(namespace: String = "si", queueType: QueueType = .classic) {
        self.namespace = namespace
        self.queueType = queueType
    }

    /// The durable direct exchange every stage message is published to.
    public var exchange: String { namespace }
    /// The exchange rejected and expired messages are dead-lettered to.
    public var deadLetterExchange: String { "\(namespace).dlx" }

    /// The queue a stage consumes; also the routing key that reaches it.
    public func queue(_ stage: Stage) -> String { stage.queueName(namespace: namespace) }
    /// The routing key to publish with so a message reaches `stage`.
    public func routingKey(_ stage: Stage) -> String { queue(stage) }
    /// Where messages rejected without requeue from `stage`'s queue end up.
    public func deadQueue(_ stage: Stage) -> String { "\(queue(stage)).dead" }

    /// Declares the exchanges, queues and bindings on `connection`.
    public func declare(on connection: AMQPConnection) throws(BrokerError) {
        try connection.declareExchange(exchange, type: "direct")
        try connection.declareExchange(deadLetterExchange, type: "direct")
        for stage in Stage.allCases {
            // Dead-lettering keeps the original routing key, which is the stage queue's name: the dead queue's binding.
            try connection.declareQueue(queue(stage), type: queueType,
                                        arguments: ["x-dead-letter-exchange": .string(deadLetterExchange)])
            try connection.bindQueue(queue(stage), exchange: exchange, routingKey: routingKey(stage))
            try connection.declareQueue(deadQueue(stage), type: queueType)
            try connection.bindQueue(deadQueue(stage), exchange: deadLetterExchange, routingKey: routingKey(stage))
        }
    }

    /// Deletes every queue and both exchanges (tests clean up with it; messages in the queues are lost).
    public func delete(on connection: AMQPConnection) throws(BrokerError) {
        for stage in Stage.allCases {
            try connection.queueDelete(queue(stage))
            try connection.queueDelete(deadQueue(stage))
        }
        try connection.exchangeDelete(exchange)
        try connection.exchangeDelete(deadLetterExchange)
    }
}
