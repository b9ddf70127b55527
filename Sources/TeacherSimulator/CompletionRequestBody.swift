/// The request fields the simulator reads, shared by both endpoints.
struct CompletionRequestBody: Decodable, Sendable {
    var model: String?
    var prompt: StringOrList?
    var messages: [ChatMessage]?
    var maxTokens: Int?
    var maxCompletionTokens: Int?
    var temperature: Double?
    var n: Int?
    var stop: StringOrList?
    var seed: Int64?

    enum CodingKeys: String, CodingKey {
        case model, prompt, messages, temperature, n, stop, seed
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
    }
}
