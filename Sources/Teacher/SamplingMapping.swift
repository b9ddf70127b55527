// The domain's sampling knobs as the teacher client's request parameters.

public import SelfInstruct

extension CompletionParameters {
    /// The request parameters for `sampling`: every field carries over; logit-bias keys (decimal token ids) that
    /// are not integers are left out, and the seed keeps its bit pattern as a signed integer.
    public init(_ sampling: SamplingParameters) {
        var bias: [Int: Int] = [:]
        for (token, value) in sampling.logitBias {
            if let id = Int(token) { bias[id] = value }
        }
        self.init(
            maxTokens: sampling.maxTokens, temperature: sampling.temperature, topP: sampling.topP,
            frequencyPenalty: sampling.frequencyPenalty, presencePenalty: sampling.presencePenalty, stop: sampling.stop,
            logprobs: sampling.logprobs, n: sampling.n, bestOf: sampling.bestOf, logitBias: bias,
            seed: sampling.seed.map { Int(truncatingIfNeeded: $0) })
    }
}
