import Synchronization

/// One run's pool. Used under the run's admission lock (one transaction at a time across all processes); the
/// mutex only makes the in-process access formally exclusive.
final class PoolSlot: Sendable {
    let pool: Mutex<RunPool>

    init(pool: RunPool) {
        self.pool = Mutex(pool)
    }
}
