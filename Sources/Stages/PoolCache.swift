import Records
import Synchronization

/// The process's pools, one per run, each in its own slot so it is mutated in place, with when a message last
/// used it (so idle ones can be dropped).
final class PoolCache: Sendable {
    private struct Entry {
        let slot: PoolSlot
        var lastUsed: ContinuousClock.Instant
    }

    private let entries = Mutex<[Int64: Entry]>([:])

    /// The run's slot, created with the seeds only on first use.
    func slot(for run: RunFacts) -> PoolSlot {
        entries.withLock { entries in
            let now = ContinuousClock.now
            if let slot = entries[run.id]?.slot {
                entries[run.id]?.lastUsed = now
                return slot
            }
            let slot = PoolSlot(pool: RunPool(run: run))
            entries[run.id] = Entry(slot: slot, lastUsed: now)
            return slot
        }
    }

    /// Each cached run with when its pool was last used.
    var usage: [(runID: Int64, lastUsed: ContinuousClock.Instant)] {
        entries.withLock { entries in entries.map { (runID: $0.key, lastUsed: $0.value.lastUsed) } }
    }

    var count: Int { entries.withLock { $0.count } }

    /// Drops the run's pool unless a message used it after `lastUsed`; true when dropped. A message holding the
    /// slot already finishes with it; the next one builds a new pool from the database (`synchronize`).
    func evict(runID: Int64, unlessUsedAfter lastUsed: ContinuousClock.Instant) -> Bool {
        entries.withLock { entries in
            guard let entry = entries[runID], entry.lastUsed <= lastUsed else { return false }
            entries[runID] = nil
            return true
        }
    }
}
