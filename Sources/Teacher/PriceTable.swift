public import SelfInstruct

/// Per-model prices; a model without an entry has no known cost (recorded as `nil`, not 0).
public struct PriceTable: Sendable, Hashable, Codable {
    public var prices: [String: TokenPrices]

    public init(_ prices: [String: TokenPrices] = [:]) {
        self.prices = prices
    }

    /// The cost of `usage` on `model` in US dollars, or `nil` when the model is not priced.
    public func cost(model: String, usage: TokenUsage) -> Double? {
        prices[model]?.cost(prompt: usage.promptTokens, completion: usage.completionTokens)
    }
}
