// The libcurl transport: one multi handle driven by one dedicated thread, many transfers in flight.
// Callers await continuations the thread resumes; nothing above this file sees a pointer.

internal import CCurl
public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `curl_global_init` runs once per process, before any handle exists (it is not thread-safe against
/// other libcurl calls). Swift initialises globals lazily and exactly once; `CurlTransport.init` reads it.
let curlGlobalInitResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

/// An `HTTPTransport` over libcurl's multi interface.
///
/// A dedicated thread owns the multi handle: it sleeps in `curl_multi_poll`, is woken by
/// `curl_multi_wakeup` when work arrives, and resumes each caller's continuation when its transfer ends.
/// Call `shutdown()` before releasing it; in-flight requests then fail with a `.shutdown` error.
public final class CurlTransport: HTTPTransport {
    /// Settings shared by all transfers.
    public struct Configuration: Sendable, Hashable {
        /// Most parallel connections to one host (libcurl queues the rest, so keep it at or above the in-flight count).
        public var maximumConnectionsPerHost: Int
        /// Largest response body accepted; bigger ones fail instead of filling memory.
        public var maximumResponseBytes: Int
        public var userAgent: String
        /// PEM CA file that https:// servers' certificates must chain to (CURLOPT_CAINFO); nil keeps libcurl's
        /// default, the system bundle.
        public var caFile: String?

        public init(
            maximumConnectionsPerHost: Int = TeacherConfig.defaultMaximumConnections, maximumResponseBytes: Int = 64 << 20,
            userAgent: String = "self-instruct-teacher/1", caFile: String? = nil
        ) {
            self.maximumConnectionsPerHost = maximumConnectionsPerHost
            self.maximumResponseBytes = maximumResponseBytes
            self.userAgent = userAgent
            self.caFile = caFile
        }

        /// The transport settings a teacher configuration asks for.
        public init(for config: TeacherConfig) {
            self.init(maximumConnectionsPerHost: config.maximumConnections, caFile: config.caFile)
        }
    }

    private let loop: CurlLoop

    /// Starts the transfer thread.
    public init(configuration: Configuration = Configuration(), logger: Logger) throws(TeacherError) {
        guard curlGlobalInitResult == CURLE_OK else {
            throw TeacherError(
                kind: .configuration, classification: .stopCaller, operation: "curl_global_init",
                message: String(cString: curl_easy_strerror(curlGlobalInitResult)),
                curlCode: Int(curlGlobalInitResult.rawValue))
        }
        guard let multi = curl_multi_init() else {
            throw TeacherError(
                kind: .transport, classification: .stopCaller, operation: "curl_multi_init", message: "curl_multi_init failed")
        }
        _ = si_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, configuration.maximumConnectionsPerHost))
        loop = CurlLoop(multi: multi, configuration: configuration, logger: logger)
        do {
            try loop.startThread()
        } catch {
            curl_multi_cleanup(multi)
            throw error
        }
    }

    deinit {
        let wasRunning = loop.requestShutdown()
        assert(!wasRunning, "CurlTransport released without shutdown()")
    }

    /// Performs `request`; throws `TeacherError` for transport failures and `CancellationError` when the task is
    /// cancelled (the transfer is then aborted).
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        let id = try loop.reserveID(operation: request.operation)
        let loop = self.loop
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                loop.submit(PendingTransfer(id: id, request: request, continuation: continuation))
            }
        } onCancel: {
            loop.cancel(id)
        }
    }

    /// Fails every transfer still in flight, stops the thread and frees the multi handle. Idempotent.
    public func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            loop.shutdown(notifying: continuation)
        }
    }
}

/// Runs `body` with a fresh transport and shuts it down afterwards, even when `body` throws.
public func withCurlTransport<Result: Sendable>(
    configuration: CurlTransport.Configuration = CurlTransport.Configuration(), logger: Logger,
    _ body: (CurlTransport) async throws -> Result
) async throws -> Result {
    let transport = try CurlTransport(configuration: configuration, logger: logger)
    do {
        let result = try await body(transport)
        await transport.shutdown()
        return result
    } catch {
        await transport.shutdown()
        throw error
    }
}

/// CURLOPT_WRITEFUNCTION: body bytes for the transfer whose context is `userdata`.
func curlWriteBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let userdata else { return 0 }
    let length = size * count
    guard length > 0, let data else { return length }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    return context.appendBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

/// CURLOPT_HEADERFUNCTION: one header line (status line included) for the transfer whose context is `userdata`.
func curlWriteHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let userdata else { return 0 }
    let length = size * count
    guard length > 0, let data else { return length }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    context.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
