internal import CRabbitMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A message waiting in the mailbox to be published.
struct PublishRequest: Sendable {
    let exchange: String
    let routingKey: String
    let body: [UInt8]
    let messageID: String?
    let continuation: CheckedContinuation<Void, any Error>
}
