/// A key for PostgreSQL's advisory locks (the single-bigint key space).
public struct AdvisoryLockKey: Sendable, Hashable {
    /// The 64-bit key passed to `pg_advisory_xact_lock`.
    public let value: Int64

    /// A key from a raw value.
    public init(_ value: Int64) {
        self.value = value
    }

    /// The lock that serialises admission decisions of one run: tag `SI\0\1` in the high 32 bits, the run id below.
    public static func admission(runID: Int64) -> AdvisoryLockKey {
        precondition(runID >= 0 && runID <= Int64(UInt32.max), "run ids fit in 32 bits")
        return AdvisoryLockKey(0x5349_0001 << 32 | runID)
    }
}
