// The simulated Batch API has no background work: whenever a batch is looked at, its status and the number of
// its requests answered so far are computed from this value and the current instant.

/// When a batch passes each status, and how many of its requests it has answered at a given instant.
///
/// With delay d: validating for the first d/10 after creation, in progress until 9d/10, finalizing until d,
/// then completed. Requests are answered in file order, the share answered after t seconds being
/// min(cap, t/d), frozen when the batch expires or a cancel is requested. Cancelling takes d/10.
/// Instants inside are seconds since creation, so that shares such as 0.2/0.4 come out exact.
struct BatchTimeline: Sendable {
    /// Wall-clock seconds since 1970 of the batch's creation.
    let createdAt: Double
    let delay: Double
    /// Seconds after creation at which the batch expires instead of completing (nil: it completes).
    let expiresAfter: Double?
    /// Largest share of the requests answered before the batch stops (an expire-first batch's `expire-done`).
    let answeredShareCap: Double
    /// Whether the input file was refused: the batch fails when validation ends.
    let refused: Bool
    /// Seconds after creation at which a cancel was accepted.
    private(set) var cancelRequestedAfter: Double?

    init(createdAt: Double, configuration: BatchConfiguration, expiresEarly: Bool, refused: Bool) {
        self.createdAt = createdAt
        delay = max(0, configuration.delaySeconds)
        var expiry: Double? = expiresEarly ? delay : nil
        if let after = configuration.expireAfterSeconds, after < delay {
            expiry = min(expiry ?? .infinity, after)
        }
        expiresAfter = expiry
        answeredShareCap = expiresEarly ? min(1, max(0, configuration.expireDoneFraction)) : 1
        self.refused = refused
    }

    mutating func cancel(at now: Double) {
        cancelRequestedAfter = max(0, now - createdAt)
    }

    private var validatedAfter: Double { delay / 10 }
    private var finalizingAfter: Double { delay * 9 / 10 }
    private var cancelledAfter: Double? { cancelRequestedAfter.map { $0 + delay / 10 } }
    /// Seconds after creation after which no further request is answered.
    private var workEndsAfter: Double { min(cancelRequestedAfter ?? .infinity, expiresAfter ?? .infinity, delay) }

    func status(at now: Double) -> BatchStatus {
        let elapsed = now - createdAt
        if let cancelledAfter { return elapsed < cancelledAfter ? .cancelling : .cancelled }
        if refused { return elapsed < validatedAfter ? .validating : .failed }
        if let expiresAfter, elapsed >= expiresAfter { return .expired }
        if elapsed >= delay { return .completed }
        if elapsed >= finalizingAfter { return .finalizing }
        return elapsed >= validatedAfter ? .inProgress : .validating
    }

    /// How many of `total` requests (the first ones in file order) have been answered at `now`.
    func requestsAnswered(of total: Int, at now: Double) -> Int {
        if refused { return 0 }
        let worked = min(now - createdAt, workEndsAfter)
        let elapsedShare = delay > 0 ? min(1, max(0, worked / delay)) : 1
        let share = min(answeredShareCap, elapsedShare)
        // The epsilon keeps 0.29 · 100 at 29 despite binary fractions.
        return min(total, Int((Double(total) * share + 1e-9).rounded(.down)))
    }

    // Wall-clock instants of the batch object's timestamps.
    var validatedAt: Double { createdAt + validatedAfter }
    var finalizingAt: Double { createdAt + finalizingAfter }
    var completesAt: Double { createdAt + delay }
    var expiresAt: Double? { expiresAfter.map { createdAt + $0 } }
    var cancelRequestedAt: Double? { cancelRequestedAfter.map { createdAt + $0 } }
    var cancelledAt: Double? { cancelledAfter.map { createdAt + $0 } }
    var workEndsAt: Double { createdAt + workEndsAfter }
}
