import Records
import Synchronization

/// The process's pools, one per run, each in its own slot so it is mutated in place.
final class PoolCache: Sendable {
    private let slots = Mutex<[Int64: PoolSlot]>([:])

    /// The run's slot, created with the seeds only on first use.
    func slot(for run: RunFacts) -> PoolSlot {
        slots.withLock { slots in
            if let slot = slots[run.id] { return slot }
            let slot = PoolSlot(pool: RunPool(run: run))
            slots[run.id] = slot
            return slot
        }
    }
}
