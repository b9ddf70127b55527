internal import CRabbitMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything else callers ask of the connection thread.
enum ControlRequest: Sendable {
    case ack(deliveryTag: UInt64, epoch: UInt64, continuation: CheckedContinuation<Void, any Error>)
    case nack(deliveryTag: UInt64, epoch: UInt64, requeue: Bool, continuation: CheckedContinuation<Void, any Error>)
    case startConsuming(queue: String, prefetch: UInt16)
    case cancel(CheckedContinuation<Void, Never>)
    case awaitConnected(CheckedContinuation<Void, any Error>)
    /// Graceful close; the continuation is nil when `deinit` asks (it cannot wait).
    case close(CheckedContinuation<Void, Never>?)

    /// Resumes the request's continuation with `error` (or plainly, for those that cannot fail).
    func fail(_ error: BrokerError) {
        switch self {
        case .ack(_, _, let continuation), .nack(_, _, _, let continuation), .awaitConnected(let continuation):
            continuation.resume(throwing: error)
        case .cancel(let continuation):
            continuation.resume()
        case .close(let continuation):
            continuation?.resume()
        case .startConsuming:
            break
        }
    }
}
