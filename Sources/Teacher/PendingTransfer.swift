internal import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
#elseif canImport(Darwin)
import Darwin
#endif

/// A request handed to the loop thread, with the continuation to resume.
struct PendingTransfer: Sendable {
    var id: UInt64
    var request: HTTPRequest
    var continuation: CheckedContinuation<HTTPResponse, any Error>
}
