/// Price of one model in US dollars per million tokens.
public struct ModelPrice: Sendable, Hashable, Codable {
    public var promptPerMillion: Double
    public var completionPerMillion: Double

    public init(promptPerMillion: Double, completionPerMillion: Double) {
        self.promptPerMillion = promptPerMillion
        self.completionPerMillion = completionPerMillion
    }
}
