import Dispatch

/// One pooled libpq connection confined to its own serial dispatch queue.
///
/// libpq blocks for the whole round trip, so every call runs on the queue, never on a cooperative-pool thread;
/// callers await the result. The connection is opened lazily and replaced after it breaks, but only by calls
/// that allow it: statements inside a transaction never reconnect, or they would silently run outside it.
final class PooledConnection: @unchecked Sendable {
    // Proof for @unchecked Sendable: `connection` is touched only by blocks on the serial
    // `queue` (and by deinit, when no block can run); everything else is immutable.
    private var connection: PGConnection?
    private let queue: DispatchQueue
    private let url: String
    private let applicationName: String
    private let sessionSetup: String?
    /// The slot's index in the pool, for logs.
    let index: Int

    init(index: Int, url: String, applicationName: String, sessionSetup: String?) {
        self.index = index
        self.url = url
        self.applicationName = applicationName
        self.sessionSetup = sessionSetup
        queue = DispatchQueue(label: "si.store.connection.\(index)")
    }

    deinit {
        // Last resort: Database.close() normally closed it on the queue already.
        connection?.close()
    }

    /// Runs `body` on the connection's queue.
    ///
    /// - Parameter connectIfNeeded: open a connection when there is none or it broke (false inside transactions).
    func run<Value: Sendable>(
        connectIfNeeded: Bool,
        _ body: @escaping @Sendable (PGConnection) throws(StoreError) -> Value
    ) async throws(StoreError) -> Value {
        let result: Result<Value, StoreError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(StoreError) -> Value in
                    try self.onQueue(connectIfNeeded: connectIfNeeded, body)
                })
            }
        }
        return try result.get()
    }

    /// Closes the connection (on the queue); the next `run(connectIfNeeded: true)` opens a new one.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.connection?.close()
                self.connection = nil
                continuation.resume()
            }
        }
    }

    private func onQueue<Value>(
        connectIfNeeded: Bool, _ body: (PGConnection) throws(StoreError) -> Value
    ) throws(StoreError) -> Value {
        let connection = try currentConnection(connectIfNeeded: connectIfNeeded)
        do {
            return try body(connection)
        } catch {
            if error.classification == .reconnect || !connection.isOpen {
                // Broken: drop it, so the next call that may connect starts afresh.
                connection.close()
                self.connection = nil
            }
            throw error
        }
    }

    private func currentConnection(connectIfNeeded: Bool) throws(StoreError) -> PGConnection {
        if let connection, connection.isOpen { return connection }
        connection?.close()
        connection = nil
        guard connectIfNeeded else {
            throw StoreError(kind: .connectionLost, operation: "statement",
                             message: "the connection was lost during the transaction", classification: .reconnect)
        }
        let fresh = try PGConnection.connect(url: url, applicationName: applicationName)
        if let sessionSetup {
            do {
                try fresh.executeScript(sessionSetup, operation: "session setup")
            } catch {
                fresh.close()
                throw error
            }
        }
        connection = fresh
        return fresh
    }
}

/// A fixed set of connections handed out one caller at a time, waiters served first come, first served.
actor ConnectionPool {
    private var idle: [PooledConnection]
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<PooledConnection, any Error>)] = []
    private var nextWaiterID: UInt64 = 0
    private var isClosed = false
    private let all: [PooledConnection]

    init(connections: [PooledConnection]) {
        all = connections
        idle = connections
    }

    /// Waits for a free connection; throws once the pool is closed or the waiting task is cancelled.
    func acquire() async throws -> PooledConnection {
        if isClosed { throw Self.closedError }
        try Task.checkCancellation()
        if let connection = idle.popLast() { return connection }
        let id = nextWaiterID
        nextWaiterID += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiters.append((id, continuation))
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    /// Returns a connection: to the first waiter, else to the idle set (or closes it when the pool is closed).
    func release(_ connection: PooledConnection) async {
        if isClosed {
            await connection.close()
            return
        }
        if !waiters.isEmpty {
            waiters.removeFirst().continuation.resume(returning: connection)
        } else {
            idle.append(connection)
        }
    }

    /// Fails every waiter and closes the idle connections; those in use close when released.
    func close() async {
        guard !isClosed else { return }
        isClosed = true
        let pending = waiters
        waiters.removeAll()
        for waiter in pending { waiter.continuation.resume(throwing: Self.closedError) }
        let closing = idle
        idle.removeAll()
        for connection in closing { await connection.close() }
    }

    private func cancelWaiter(_ id: UInt64) {
        guard let position = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: position).continuation.resume(throwing: CancellationError())
    }

    static let closedError = StoreError(kind: .closed, operation: "acquire connection",
                                        message: "the database was closed", classification: .fatal)
}
