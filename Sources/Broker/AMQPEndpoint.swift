/// Where to connect, as parsed from an `amqp://` URL.
struct AMQPEndpoint: Sendable, Equatable {
    var host: String
    var port: Int
    var virtualHost: String
    var user: String
    var password: String

    /// The endpoint without its password, for error messages.
    var redactedDescription: String {
        "amqp://\(user)@\(host):\(port)/\(virtualHost == "/" ? "%2F" : virtualHost)"
    }
}
