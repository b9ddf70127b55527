// Waking a process when another one wrote work for it, without polling faster: PostgreSQL LISTEN/NOTIFY on a
// connection of its own.

public import Logging
import Dispatch
import Synchronization

/// Listens on one channel and calls `notified` after each batch of notifications, and after each (re)connect,
/// since a notification sent while it was away is lost. The connection lives on a thread of its own, which wakes
/// once a second to see whether it should stop; a lost connection is reopened with backoff (1 s doubling to 30 s).
public final class NotificationListener: Sendable {
    private let url: String
    private let channel: String
    private let applicationName: String
    private let logger: Logger
    private let notified: @Sendable () -> Void
    private let stopped = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let wakeups = Atomic<Int>(0)

    public init(
        url: String, channel: String, applicationName: String, logger: Logger, notified: @escaping @Sendable () -> Void
    ) {
        self.url = url
        self.channel = channel
        self.applicationName = applicationName
        self.logger = logger
        self.notified = notified
    }

    /// Times `notified` ran.
    public var notifications: Int { wakeups.load(ordering: .relaxed) }

    /// Starts listening (returns at once).
    public func start() {
        DispatchQueue(label: "si.listen.\(channel)").async { [self] in
            listen()
            finished.signal()
        }
    }

    /// Stops listening and waits (at most about a second) for the connection to close.
    public func stop() async {
        stopped.store(true, ordering: .relaxed)
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { [finished] in
                finished.wait()
                continuation.resume()
            }
        }
    }

    private func listen() {
        var failures = 0
        while !stopped.load(ordering: .relaxed) {
            do throws(StoreError) {
                let connection = try PGConnection.connect(url: url, applicationName: applicationName)
                defer { connection.close() }
                try connection.execute("LISTEN " + SQLQuery.quoteIdentifier(channel), operation: "listen")
                failures = 0
                wake()
                while !stopped.load(ordering: .relaxed) {
                    if try connection.waitForNotifications(timeout: .seconds(1)) > 0 { wake() }
                }
            } catch {
                failures += 1
                logger.info("notification listener lost its connection; reconnecting",
                            metadata: ["si.channel": "\(channel)", "error": "\(error)", "si.attempt": "\(failures)"])
                let pause = min(30, 1 << min(failures - 1, 5))
                for _ in 0..<pause where !stopped.load(ordering: .relaxed) { sleepOneSecond() }
            }
        }
    }

    private func wake() {
        wakeups.add(1, ordering: .relaxed)
        notified()
    }

    private func sleepOneSecond() {
        _ = DispatchSemaphore(value: 0).wait(timeout: .now() + 1)
    }
}
