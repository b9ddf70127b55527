/// A `/v1/completions` request made ready to send: its body, its cache key, and what reading and counting its answer
/// needs. Online calls send it at once; batch mode stores it and sends it inside a batch file.
public struct PreparedCompletion: Sendable, Hashable {
    /// `/v1/completions`.
    public var path: String
    /// The JSON body, exactly as an online request would carry it.
    public var body: [UInt8]
    public var key: RequestKey
    public var model: String
    public var promptCount: Int
    public var n: Int
    /// The client's conservative estimate of all prompts' tokens.
    public var promptEstimate: Int
    /// `max_tokens` after the completion budget.
    public var maxTokens: Int
    /// How the answer's tokens are counted.
    public var method: TokenCountMethod

    public init(
        path: String, body: [UInt8], key: RequestKey, model: String, promptCount: Int, n: Int, promptEstimate: Int,
        maxTokens: Int, method: TokenCountMethod
    ) {
        self.path = path
        self.body = body
        self.key = key
        self.model = model
        self.promptCount = promptCount
        self.n = n
        self.promptEstimate = promptEstimate
        self.maxTokens = maxTokens
        self.method = method
    }

    /// The worst case the request can cost in tokens: every prompt plus `max_tokens` for each of its `n` choices.
    public var worstCaseTokens: (prompt: Int, completion: Int) {
        (promptEstimate, maxTokens * n * promptCount)
    }
}
