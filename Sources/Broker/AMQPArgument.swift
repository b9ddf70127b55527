/// A value in an AMQP argument table (`x-queue-type`, `x-max-length`, …).
public enum AMQPArgument: Sendable, Hashable {
    case string(String)
    case int(Int64)
    case bool(Bool)
}
