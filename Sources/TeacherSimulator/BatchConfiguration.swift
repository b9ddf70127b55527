// How the simulated Batch API behaves. A batch's course is a function of its creation instant, its place in
// the creation order and this value, so a test that creates the same batches sees the same outcomes.

/// Timing, failures and expiries of the simulator's batches.
public struct BatchConfiguration: Sendable, Hashable {
    /// Seconds from creation to `completed`: validating for the first tenth, finalizing for the last tenth.
    public var delaySeconds: Double
    /// Share of requests answered in the error file with status 500, drawn per (seed, custom_id, how many
    /// times that custom_id was submitted before), so a resubmitted request can succeed.
    public var failRate: Double
    /// The first K batches created (since start or reset) expire at the delay instead of completing.
    public var expireFirst: Int
    /// Share of an expire-first batch's requests answered before it expires: the first lines in file order.
    public var expireDoneFraction: Double
    /// When set, a batch not finished this many seconds after creation expires with the requests done by then
    /// (the share elapsed/delay).
    public var expireAfterSeconds: Double?

    public init(
        delaySeconds: Double = 1, failRate: Double = 0, expireFirst: Int = 0, expireDoneFraction: Double = 0.5,
        expireAfterSeconds: Double? = nil
    ) {
        self.delaySeconds = delaySeconds
        self.failRate = failRate
        self.expireFirst = expireFirst
        self.expireDoneFraction = expireDoneFraction
        self.expireAfterSeconds = expireAfterSeconds
    }
}
