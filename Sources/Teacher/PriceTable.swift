/// Per-model prices; a model without an entry has no known cost (recorded as `nil`, not 0).
public struct PriceTable: Sendable, Hashable, Codable {
    public var prices: [String: ModelPrice]

    public init(_ prices: [String: ModelPrice] = [:]) {
        self.prices = prices
    }

    /// The cost of `usage` on `model` in US dollars, or `nil` when the model is not priced.
    public func cost(model: String, usage: TokenUsage) -> Double? {
        guard let price = prices[model] else { return nil }
        return (Double(usage.promptTokens) * price.promptPerMillion
            + Double(usage.completionTokens) * price.completionPerMillion) / 1_000_000
    }
}
