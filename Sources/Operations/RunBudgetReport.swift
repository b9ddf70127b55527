public import Records
import SelfInstruct

/// A run's spending cap and ledger as `sictl status` shows it.
public struct RunBudgetReport: Sendable, Hashable, Codable {
    public var capUSD: Double?
    public var capTokens: Int64?
    public var spentUSD: Double
    public var spentTokens: Int64
    /// Worst cases of the requests in flight, booked before they start.
    public var reservedUSD: Double
    public var reservedTokens: Int64

    public init(_ ledger: RunBudgetsTable.Ledger) {
        capUSD = ledger.budget.usd
        capTokens = ledger.budget.tokens
        spentUSD = ledger.spentUSD
        spentTokens = ledger.spentTokens
        reservedUSD = ledger.reservedUSD
        reservedTokens = ledger.reservedTokens
    }
}
