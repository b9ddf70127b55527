// Completion-request parameters, with the values the two reference pipelines send (spec §1.1, §1.2, §1.3, §2.3).

/// The sampling knobs of one Completions (or chat) request, independent of the wire format; the teacher client
/// sends them as they are. Defaults are the API's (temperature and top_p 1, one choice, no penalties).
public struct SamplingParameters: Sendable, Hashable, Codable {
    public var maxTokens: Int
    public var temperature: Double
    public var topP: Double
    public var frequencyPenalty: Double
    public var presencePenalty: Double
    /// Stop sequences, in the order the reference sends them.
    public var stop: [String]
    /// Number of top log-probabilities to return per token; `nil` asks for none.
    public var logprobs: Int?
    public var n: Int
    /// Server-side candidates per choice; `nil` leaves the parameter out.
    public var bestOf: Int?
    /// Token id to additive bias in [-100, 100] (the API spells the ids as decimal strings; so does `Codable`).
    public var logitBias: [Int: Int]
    /// A sampling seed for APIs that accept one (sent as the signed 64-bit integer of the same bits); the references send none.
    public var seed: UInt64?

    public init(
        maxTokens: Int, temperature: Double = 1, topP: Double = 1, frequencyPenalty: Double = 0, presencePenalty: Double = 0,
        stop: [String] = [], logprobs: Int? = nil, n: Int = 1, bestOf: Int? = nil, logitBias: [Int: Int] = [:],
        seed: UInt64? = nil
    ) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topP = topP
        self.frequencyPenalty = frequencyPenalty
        self.presencePenalty = presencePenalty
        self.stop = stop
        self.logprobs = logprobs
        self.n = n
        self.bestOf = bestOf
        self.logitBias = logitBias
        self.seed = seed
    }

    /// Prompts the references put into one Completions call (`request_batch_size` 5 in both).
    public static let referencePromptsPerRequest = 5

    /// Instances the Self-Instruct reference asks for per task; its instance stop sequence is "Example <this + 1>".
    public static let referenceMaxInstancesPerTask = 5

    /// The GPT-2/GPT-3 token id of `<|endoftext|>`, which Alpaca forbids so the model cannot end early.
    public static let endOfTextTokenID = 50256

    /// The parameters the reference pipeline sends with a prompt of this kind.
    public static func reference(for kind: PromptKind) -> SamplingParameters {
        switch kind {
        case .selfInstructInstructions, .selfInstructClassificationInstructions:
            // Stops when the model starts item 16, so at most items 9–15 come back.
            SamplingParameters(
                maxTokens: 1024, temperature: 0.7, topP: 0.5, frequencyPenalty: 0, presencePenalty: 2,
                stop: ["\n\n", "\n16", "16.", "16 ."], logprobs: 1, n: 1, bestOf: 1)
        case .selfInstructIsClassification:
            SamplingParameters(
                maxTokens: 3, temperature: 0, topP: 0, frequencyPenalty: 0, presencePenalty: 0,
                stop: ["\n", "Task"], logprobs: 1, n: 1, bestOf: 1)
        case .selfInstructInstancesOutputFirst:
            instanceParameters(maxTokens: instanceMaxTokens(batchHasClassification: true))
        case .selfInstructInstancesInputFirst:
            instanceParameters(maxTokens: instanceMaxTokens(batchHasClassification: false))
        case .alpacaInstructions:
            // "20." appears twice in the reference's stop list; kept so a replayed request is byte-identical.
            SamplingParameters(
                maxTokens: 3072, temperature: 1.0, topP: 1.0, frequencyPenalty: 0, presencePenalty: 0,
                stop: ["\n20", "20.", "20."], logprobs: nil, n: 1, bestOf: nil,
                logitBias: [endOfTextTokenID: -100])
        }
    }

    /// The reference's instance-generation budget: 300 tokens when any task in the 5-prompt batch is a
    /// classification task, else 350. Per-prompt requests use 300 for output-first and 350 for input-first.
    public static func instanceMaxTokens(batchHasClassification: Bool) -> Int {
        batchHasClassification ? 300 : 350
    }

    private static func instanceParameters(maxTokens: Int) -> SamplingParameters {
        SamplingParameters(
            maxTokens: maxTokens, temperature: 0, topP: 0, frequencyPenalty: 0, presencePenalty: 1.5,
            stop: ["Example \(referenceMaxInstancesPerTask + 1)", "Task:"], logprobs: 1, n: 1, bestOf: 1)
    }
}
