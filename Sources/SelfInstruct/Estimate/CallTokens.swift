/// Prompt and completion tokens of one teacher call of a stage.
public struct CallTokens: Sendable, Hashable, Codable {
    public var prompt: EstimateRange
    public var completion: EstimateRange

    public init(prompt: EstimateRange, completion: EstimateRange) {
        self.prompt = prompt
        self.completion = completion
    }
}
