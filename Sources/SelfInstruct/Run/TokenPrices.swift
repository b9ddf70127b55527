/// A teacher's prices in US dollars per million tokens.
public struct TokenPrices: Sendable, Hashable, Codable {
    public var promptPerMillion: Double
    public var completionPerMillion: Double

    public init(promptPerMillion: Double, completionPerMillion: Double) {
        self.promptPerMillion = promptPerMillion
        self.completionPerMillion = completionPerMillion
    }

    /// Prices from two figures that may be missing (flags, a run file, columns, variables): one alone prices the
    /// other kind of token at 0; nil when neither is given.
    public static func given(promptPerMillion: Double?, completionPerMillion: Double?) -> TokenPrices? {
        guard promptPerMillion != nil || completionPerMillion != nil else { return nil }
        return TokenPrices(promptPerMillion: promptPerMillion ?? 0, completionPerMillion: completionPerMillion ?? 0)
    }

    /// The dollars that `prompt` and `completion` tokens cost.
    public func cost(prompt: Int, completion: Int) -> Double {
        (Double(prompt) * promptPerMillion + Double(completion) * completionPerMillion) / 1_000_000
    }
}
