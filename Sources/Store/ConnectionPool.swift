import Dispatch

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
