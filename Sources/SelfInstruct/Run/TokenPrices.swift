/// A teacher's prices in US dollars per million tokens.
public struct TokenPrices: Sendable, Hashable, Codable {
    public var promptPerMillion: Double
    public var completionPerMillion: Double

    public init(promptPerMillion: Double, completionPerMillion: Double) {
        self.promptPerMillion = promptPerMillion
        self.completionPerMillion = completionPerMillion
    }

    /// The dollars that `prompt` and `completion` tokens cost.
    public func cost(prompt: Int, completion: Int) -> Double {
        (Double(prompt) * promptPerMillion + Double(completion) * completionPerMillion) / 1_000_000
    }
}
