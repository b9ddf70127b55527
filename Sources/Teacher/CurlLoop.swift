import Logging
import Synchronization
internal import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
#elseif canImport(Darwin)
import Darwin
#endif

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
