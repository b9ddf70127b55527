internal import CRabbitMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Deliveries from a `BrokerConsumer`, in arrival order; ends after `cancel()`/`close()`, throws when it gives up.
public struct DeliveryStream: AsyncSequence, Sendable {
    public typealias Element = Delivery
    public typealias Failure = BrokerError

    let buffer: DeliveryBuffer

    /// Iterates the stream; one iterator per stream.
    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = Delivery
        public typealias Failure = BrokerError

        let buffer: DeliveryBuffer

        public mutating func next() async throws(BrokerError) -> Delivery? {
            try await buffer.next()
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(BrokerError) -> Delivery? {
            try await buffer.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(buffer: buffer)
    }
}
