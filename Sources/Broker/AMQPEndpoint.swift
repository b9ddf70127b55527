/// Where to connect, as parsed from an `amqp://` or `amqps://` URL.
public struct AMQPEndpoint: Sendable, Equatable {
    /// True for `amqps://`: the connection goes through rabbitmq-c's SSL socket.
    var usesTLS: Bool = false
    var host: String
    var port: Int
    var virtualHost: String
    var user: String
    var password: String

    /// `host:port`, naming the node in logs (a cluster's nodes usually share user and vhost).
    public var address: String { "\(host):\(port)" }

    /// The endpoint without its password, for error messages.
    public var redactedDescription: String {
        "\(usesTLS ? "amqps" : "amqp")://\(user)@\(host):\(port)/\(virtualHost == "/" ? "%2F" : virtualHost)"
    }
}
