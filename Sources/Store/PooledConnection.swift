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
