/// Holds a run's spending under its cap: every HTTP attempt reserves its worst case before it is sent and settles
/// to its real usage when it returns. Implemented over the database by the stages (one ledger for every replica).
public protocol SpendGate: Sendable {
    /// Reserves `promptTokens` plus `completionTokens` (the most the attempt can use) for `model`; nil when the
    /// caller has no cap. Throws a `TeacherError` of kind `budgetExhausted` when the reservation would pass the cap.
    func reserve(model: String, promptTokens: Int, completionTokens: Int, operation: String) async throws -> SpendReservation?
    /// Releases `reservation` and books what the attempt used (`nil` usage: it failed, and nothing is booked).
    func settle(_ reservation: SpendReservation, usage: TokenUsage?) async
}
