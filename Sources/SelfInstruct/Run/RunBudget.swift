/// A run's spending cap: dollars, tokens (prompt plus completion), or both. Whichever is reached first pauses the run.
public struct RunBudget: Sendable, Hashable, Codable {
    public var usd: Double?
    public var tokens: Int64?

    public init(usd: Double? = nil, tokens: Int64? = nil) {
        self.usd = usd
        self.tokens = tokens
    }

    /// A budget with at least one cap; nil when neither is given.
    public static func capping(usd: Double?, tokens: Int64?) -> RunBudget? {
        usd == nil && tokens == nil ? nil : RunBudget(usd: usd, tokens: tokens)
    }

    /// Problems in operator words (empty when fine).
    public var problems: [String] {
        var out: [String] = []
        if let usd, !(usd.isFinite && usd >= 0) { out.append("budget_usd: must be a non-negative number (got \(usd))") }
        if let tokens, tokens < 0 { out.append("budget_tokens: must not be negative (got \(tokens))") }
        return out
    }
}
