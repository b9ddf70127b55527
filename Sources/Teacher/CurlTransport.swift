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
private let curlGlobalInitResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

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

        public init(
            maximumConnectionsPerHost: Int = TeacherConfig.defaultMaximumConnections, maximumResponseBytes: Int = 64 << 20,
            userAgent: String = "self-instruct-teacher/1"
        ) {
            self.maximumConnectionsPerHost = maximumConnectionsPerHost
            self.maximumResponseBytes = maximumResponseBytes
            self.userAgent = userAgent
        }

        /// The transport settings a teacher configuration asks for.
        public init(for config: TeacherConfig) {
            self.init(maximumConnectionsPerHost: config.maximumConnections)
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

/// A request handed to the loop thread, with the continuation to resume.
struct PendingTransfer: Sendable {
    var id: UInt64
    var request: HTTPRequest
    var continuation: CheckedContinuation<HTTPResponse, any Error>
}

/// State shared between callers and the loop thread, always accessed under the mutex.
struct Mailbox: ~Copyable {
    enum Lifecycle { case running, shuttingDown, stopped }

    var lifecycle = Lifecycle.running
    var nextID: UInt64 = 1
    /// IDs handed to `send` whose transfer has not been submitted yet.
    var reserved: Set<UInt64> = []
    /// Reserved IDs whose task was cancelled before submission.
    var cancelledBeforeSubmit: Set<UInt64> = []
    /// Submitted transfers the loop has not picked up yet.
    var pending: [PendingTransfer] = []
    /// IDs of picked-up transfers to abort.
    var cancellations: [UInt64] = []
    var shutdownWaiters: [CheckedContinuation<Void, Never>] = []
}

/// The loop thread's world: the multi handle and the mailbox.
///
/// `@unchecked Sendable` proof: `multi` is used only by the loop thread, except `curl_multi_wakeup`
/// (documented thread-safe), which callers invoke while holding `mailbox` and only in the `.running`
/// state; the loop thread sets `.stopped` under the same lock before `curl_multi_cleanup`, so no wakeup
/// can touch a freed handle. Everything else is `let` or inside the `Mutex`.
final class CurlLoop: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let configuration: CurlTransport.Configuration
    private let logger: Logger
    private let mailbox = Mutex(Mailbox())

    init(multi: UnsafeMutableRawPointer, configuration: CurlTransport.Configuration, logger: Logger) {
        self.multi = multi
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: Caller side (any thread)

    func startThread() throws(TeacherError) {
        let box = Unmanaged.passRetained(self).toOpaque()
        #if canImport(Darwin)
        var thread: pthread_t?
        #else
        var thread = pthread_t()
        #endif
        let rc = pthread_create(&thread, nil, { argument in
            let loop = Unmanaged<CurlLoop>.fromOpaque(argument!).takeRetainedValue()
            loop.run()
            return nil
        }, box)
        guard rc == 0 else {
            Unmanaged<CurlLoop>.fromOpaque(box).release()
            throw TeacherError(
                kind: .transport, classification: .stopCaller, operation: "pthread_create",
                message: "could not start the curl thread (errno \(rc))")
        }
        #if canImport(Darwin)
        pthread_detach(thread!)
        #else
        pthread_detach(thread)
        #endif
    }

    func reserveID(operation: String) throws(TeacherError) -> UInt64 {
        let id: UInt64? = mailbox.withLock { box in
            guard case .running = box.lifecycle else { return nil }
            let id = box.nextID
            box.nextID += 1
            box.reserved.insert(id)
            return id
        }
        guard let id else { throw Self.shutdownError(operation) }
        return id
    }

    func submit(_ transfer: PendingTransfer) {
        enum Outcome { case queued, cancelled, shutDown }
        let outcome: Outcome = mailbox.withLock { box in
            box.reserved.remove(transfer.id)
            if box.cancelledBeforeSubmit.remove(transfer.id) != nil { return .cancelled }
            guard case .running = box.lifecycle else { return .shutDown }
            box.pending.append(transfer)
            curl_multi_wakeup(multi)
            return .queued
        }
        switch outcome {
        case .queued: break
        case .cancelled: transfer.continuation.resume(throwing: CancellationError())
        case .shutDown: transfer.continuation.resume(throwing: Self.shutdownError(transfer.request.operation))
        }
    }

    func cancel(_ id: UInt64) {
        let unstarted: PendingTransfer? = mailbox.withLock { box in
            if box.reserved.contains(id) {
                box.cancelledBeforeSubmit.insert(id)
                return nil
            }
            if let index = box.pending.firstIndex(where: { $0.id == id }) {
                return box.pending.remove(at: index)
            }
            if case .running = box.lifecycle {
                box.cancellations.append(id)
                curl_multi_wakeup(multi)
            }
            return nil
        }
        unstarted?.continuation.resume(throwing: CancellationError())
    }

    /// Asks the thread to stop; returns whether it was still running.
    @discardableResult
    func requestShutdown() -> Bool {
        mailbox.withLock { box in
            guard case .running = box.lifecycle else { return false }
            box.lifecycle = .shuttingDown
            curl_multi_wakeup(multi)
            return true
        }
    }

    func shutdown(notifying waiter: CheckedContinuation<Void, Never>) {
        let alreadyStopped: Bool = mailbox.withLock { box in
            switch box.lifecycle {
            case .stopped:
                return true
            case .running:
                box.lifecycle = .shuttingDown
                curl_multi_wakeup(multi)
                fallthrough
            case .shuttingDown:
                box.shutdownWaiters.append(waiter)
                return false
            }
        }
        if alreadyStopped { waiter.resume() }
    }

    static func shutdownError(_ operation: String) -> TeacherError {
        ErrorClassifier.classify(transportFailure: .shutDown, detail: "transport is shut down", operation: operation)
    }

    // MARK: Loop thread

    /// Transfers added to the multi handle, by id; each context is retained once (by `passRetained`) until
    /// `finish` releases it.
    private var active: [UInt64: Unmanaged<TransferContext>] = [:]

    /// The loop thread's name, so `top -H` and per-thread CPU accounting can tell it apart (at most 15 bytes on Linux).
    static let threadName = "teacher-curl"

    private func run() {
        si_name_current_thread(Self.threadName)
        logger.debug("teacher.transport started")
        while true {
            let (newTransfers, cancellations, stopping) = mailbox.withLock { box in
                let work = (box.pending, box.cancellations, box.lifecycle != .running)
                box.pending.removeAll()
                box.cancellations.removeAll()
                return work
            }
            for transfer in newTransfers {
                start(transfer)
            }
            for id in cancellations {
                if let context = active.removeValue(forKey: id) {
                    finish(context, with: .failure(CancellationError()))
                }
            }
            if stopping { break }
            var running: Int32 = 0
            let performCode = curl_multi_perform(multi, &running)
            if performCode != CURLM_OK {
                logger.warning("teacher.transport curl_multi_perform failed", metadata: ["curl.multi_code": "\(performCode.rawValue)"])
            }
            collectFinishedTransfers()
            var ready: Int32 = 0
            _ = curl_multi_poll(multi, nil, 0, 1000, &ready)
        }
        for (_, context) in active {
            finish(context, with: .failure(Self.shutdownError(context.takeUnretainedValue().request.operation)))
        }
        active.removeAll()
        let (leftovers, waiters) = mailbox.withLock { box in
            box.lifecycle = .stopped
            let work = (box.pending, box.shutdownWaiters)
            box.pending.removeAll()
            box.shutdownWaiters.removeAll()
            return work
        }
        curl_multi_cleanup(multi)
        for transfer in leftovers {
            transfer.continuation.resume(throwing: Self.shutdownError(transfer.request.operation))
        }
        logger.debug("teacher.transport stopped")
        for waiter in waiters {
            waiter.resume()
        }
    }

    private func start(_ transfer: PendingTransfer) {
        let context: TransferContext
        do {
            context = try TransferContext(transfer: transfer, configuration: configuration)
        } catch {
            transfer.continuation.resume(throwing: error)
            return
        }
        let unmanaged = Unmanaged.passRetained(context)
        do {
            try context.easy.configure(for: transfer.request, context: unmanaged.toOpaque(), configuration: configuration)
        } catch {
            finish(unmanaged, with: .failure(error), added: false)
            return
        }
        let addCode = curl_multi_add_handle(multi, context.easy.pointer)
        guard addCode == CURLM_OK else {
            let detail = String(cString: curl_multi_strerror(addCode))
            finish(
                unmanaged,
                with: .failure(ErrorClassifier.classify(transportFailure: .other, detail: detail, operation: transfer.request.operation)),
                added: false)
            return
        }
        active[transfer.id] = unmanaged
    }

    private func collectFinishedTransfers() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            // Read everything from the message before removing the handle: removal invalidates it.
            let code = si_curl_msg_result(message)
            var raw: UnsafeMutableRawPointer?
            guard si_curl_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &raw) == CURLE_OK, let raw else { continue }
            let unmanaged = Unmanaged<TransferContext>.fromOpaque(raw)
            let context = unmanaged.takeUnretainedValue()
            active.removeValue(forKey: context.id)
            finish(unmanaged, with: context.outcome(code: code))
        }
    }

    /// Removes the transfer from the multi handle, frees its easy handle, balances `passRetained` and resumes the caller.
    private func finish(_ unmanaged: Unmanaged<TransferContext>, with result: Result<HTTPResponse, any Error>, added: Bool = true) {
        let context = unmanaged.takeRetainedValue()
        if added {
            curl_multi_remove_handle(multi, context.easy.pointer)
        }
        context.easy.close()
        context.continuation.resume(with: result)
    }
}

/// One `CURL` easy handle plus the C memory that must live exactly as long as it (header list, error buffer).
/// Confined to the loop thread; `close()` is explicit and `deinit` asserts it ran.
final class EasyHandle {
    private(set) var pointer: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer: UnsafeMutablePointer<CChar>

    init(operation: String) throws(TeacherError) {
        guard let pointer = curl_easy_init() else {
            throw ErrorClassifier.classify(transportFailure: .other, detail: "curl_easy_init failed", operation: operation)
        }
        self.pointer = pointer
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    /// Applies every option for `request`; `context` is the transfer's retained `TransferContext`.
    func configure(
        for request: HTTPRequest, context: UnsafeMutableRawPointer, configuration: CurlTransport.Configuration
    ) throws(TeacherError) {
        let operation = request.operation
        let easy = pointer
        func check(_ code: CURLcode, _ option: String) throws(TeacherError) {
            guard code == CURLE_OK else {
                throw ErrorClassifier.classify(
                    transportFailure: code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL ? .invalidRequest : .other,
                    detail: "\(option): \(String(cString: curl_easy_strerror(code)))", operation: operation,
                    code: Int(code.rawValue))
            }
        }
        try check(si_curl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        try check(si_curl_easy_setopt_string(easy, CURLOPT_URL, request.url), "CURLOPT_URL")
        try check(si_curl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"), "CURLOPT_PROTOCOLS_STR")
        // Signals cannot be used for DNS timeouts from a non-main thread.
        try check(si_curl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
        try check(
            si_curl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout)),
            "CURLOPT_CONNECTTIMEOUT_MS")
        try check(si_curl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout)), "CURLOPT_TIMEOUT_MS")
        try check(si_curl_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1), "CURLOPT_TCP_KEEPALIVE")
        try check(si_curl_easy_setopt_string(easy, CURLOPT_USERAGENT, configuration.userAgent), "CURLOPT_USERAGENT")
        // An empty string asks for every encoding libcurl can decode.
        try check(si_curl_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, ""), "CURLOPT_ACCEPT_ENCODING")
        try check(si_curl_easy_setopt_pointer(easy, CURLOPT_PRIVATE, context), "CURLOPT_PRIVATE")
        try check(si_curl_easy_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION, curlWriteBody), "CURLOPT_WRITEFUNCTION")
        try check(si_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context), "CURLOPT_WRITEDATA")
        try check(si_curl_easy_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION, curlWriteHeader), "CURLOPT_HEADERFUNCTION")
        try check(si_curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context), "CURLOPT_HEADERDATA")

        // libcurl otherwise sends `Expect: 100-continue` for bodies over 1 KiB and waits up to a second for servers
        // that never answer it.
        var lines = request.headers.map { "\($0.name): \($0.value)" }
        lines.append("Expect:")
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else {
                throw ErrorClassifier.classify(transportFailure: .other, detail: "curl_slist_append failed", operation: operation)
            }
            headerList = appended
        }
        try check(si_curl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList), "CURLOPT_HTTPHEADER")

        switch request.method {
        case .get:
            try check(si_curl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1), "CURLOPT_HTTPGET")
        case .post:
            let body = request.body ?? []
            try check(si_curl_easy_setopt_long(easy, CURLOPT_POST, 1), "CURLOPT_POST")
            // The size first: COPYPOSTFIELDS copies that many bytes (else it would use strlen).
            try check(si_curl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "CURLOPT_POSTFIELDSIZE_LARGE")
            // COPYPOSTFIELDS, not POSTFIELDS: libcurl keeps its own copy, so the Swift array may go away now.
            var code = CURLE_OK
            body.withUnsafeBytes { bytes in
                // A zero-length body still needs a valid pointer.
                var empty: UInt8 = 0
                let base = bytes.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) }
                code = withUnsafeMutablePointer(to: &empty) { fallback in
                    si_curl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, base ?? UnsafeMutableRawPointer(fallback))
                }
            }
            try check(code, "CURLOPT_COPYPOSTFIELDS")
        }
    }

    /// libcurl's own error text for the last failure, or `curl_easy_strerror` when the buffer is empty.
    func errorDetail(_ code: CURLcode) -> String {
        let buffered = String(cString: errorBuffer)
        return buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
    }

    func responseCode() -> Int {
        var status = 0
        _ = si_curl_easy_getinfo_long(pointer, CURLINFO_RESPONSE_CODE, &status)
        return status
    }

    func totalTime() -> Duration {
        var microseconds: curl_off_t = 0
        _ = si_curl_easy_getinfo_off_t(pointer, CURLINFO_TOTAL_TIME_T, &microseconds)
        return .microseconds(Int64(microseconds))
    }

    /// Frees the handle and its C memory. Idempotent.
    func close() {
        guard let easy = pointer else { return }
        curl_easy_cleanup(easy)
        pointer = nil
        curl_slist_free_all(headerList)
        headerList = nil
        errorBuffer.deallocate()
    }

    deinit {
        assert(pointer == nil, "EasyHandle released without close()")
        close()
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let parts = duration.components
        let value = parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
        return Int(max(1, min(value, Int64(Int32.max))))
    }
}

/// One transfer in flight: its easy handle, the bytes received so far and the caller's continuation.
/// Confined to the loop thread; libcurl's callbacks reach it through `Unmanaged` pointers.
final class TransferContext {
    let id: UInt64
    let request: HTTPRequest
    let continuation: CheckedContinuation<HTTPResponse, any Error>
    let easy: EasyHandle
    private let maximumBodyBytes: Int
    private var body: [UInt8] = []
    private var headers: [HTTPHeader] = []
    private var bodyTooLarge = false

    init(transfer: PendingTransfer, configuration: CurlTransport.Configuration) throws(TeacherError) {
        id = transfer.id
        request = transfer.request
        continuation = transfer.continuation
        maximumBodyBytes = configuration.maximumResponseBytes
        easy = try EasyHandle(operation: transfer.request.operation)
    }

    /// Appends body bytes; false once the size limit is passed (libcurl then aborts with CURLE_WRITE_ERROR).
    func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= maximumBodyBytes else {
            bodyTooLarge = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// Records one header line; a status line starts a new header block (interim 1xx responses, redirects).
    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        if line.hasPrefix("HTTP/") {
            headers.removeAll()
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon]).trimmingWhitespace()
        let value = String(line[line.index(after: colon)...]).trimmingWhitespace()
        headers.append(HTTPHeader(name: name, value: value))
    }

    func outcome(code: CURLcode) -> Result<HTTPResponse, any Error> {
        let operation = request.operation
        guard code == CURLE_OK else {
            if bodyTooLarge {
                return .failure(
                    ErrorClassifier.classify(
                        transportFailure: .responseTooLarge, detail: "response body over \(maximumBodyBytes) bytes",
                        operation: operation, code: Int(code.rawValue)))
            }
            return .failure(
                ErrorClassifier.classify(
                    transportFailure: Self.failure(for: code), detail: easy.errorDetail(code), operation: operation,
                    code: Int(code.rawValue)))
        }
        return .success(HTTPResponse(status: easy.responseCode(), headers: headers, body: body, totalTime: easy.totalTime()))
    }

    private static func failure(for code: CURLcode) -> TransportFailure {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .connectFailed
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_WEIRD_SERVER_REPLY,
            CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_BAD_CONTENT_ENCODING:
            return .connectionLost
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER:
            return .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidRequest
        default:
            return .other
        }
    }
}

/// CURLOPT_WRITEFUNCTION: body bytes for the transfer whose context is `userdata`.
private func curlWriteBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let userdata else { return 0 }
    let length = size * count
    guard length > 0, let data else { return length }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    return context.appendBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

/// CURLOPT_HEADERFUNCTION: one header line (status line included) for the transfer whose context is `userdata`.
private func curlWriteHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    guard let userdata else { return 0 }
    let length = size * count
    guard length > 0, let data else { return length }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    context.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
