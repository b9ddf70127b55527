// The documented default yields (docs/operations.md, "Estimating a run", says where each comes from).

/// Yields of one recipe on one kind of teacher, used when no earlier run of the recipe is in the database.
public struct DefaultFigures: Sendable, Hashable {
    public var candidatesPerPrompt: EstimateRange
    /// Share of candidates admitted while the pool is empty.
    public var admissionRate: Double
    /// Admitted instructions at which the admission rate has halved.
    public var halvingPool: Double
    /// Relative width of the generation-call range.
    public var generationSpread: Double
    public var completionPerPrompt: EstimateRange
    public var classifyCompletion: EstimateRange
    public var instanceCompletion: EstimateRange

    /// si-teacher-sim, Self-Instruct: measured in a 2,000-instruction run from examples/seed_tasks.jsonl
    /// (deploy/local/pipeline.sh, concurrency 8): 6.92 candidates per prompt, 0.033 calls per admission + 0.000003
    /// per pool member (admission 0.88, halving near 11,000), 933 completion tokens per request, 1 per
    /// classification, 89 per instance call.
    public static let selfInstructSimulator = DefaultFigures(
        candidatesPerPrompt: EstimateRange(6.9, spread: 0.1), admissionRate: 0.88, halvingPool: 11_000, generationSpread: 0.15,
        completionPerPrompt: EstimateRange(187, spread: 0.1), classifyCompletion: EstimateRange(exactly: 1),
        instanceCompletion: EstimateRange(89, spread: 0.1))

    /// A GPT-3-class completion model, Self-Instruct: the prompt asks for items 9–15 (the stop sequence ends at
    /// 16), so at most 7 candidates; classification answers are one token of at most 3; instances are capped at
    /// 300/350 tokens.
    public static let selfInstructModel = DefaultFigures(
        candidatesPerPrompt: EstimateRange(low: 3, expected: 5, high: 7), admissionRate: 0.6, halvingPool: 20_000,
        generationSpread: 0.35,
        completionPerPrompt: EstimateRange(low: 60, expected: 120, high: 250),
        classifyCompletion: EstimateRange(low: 1, expected: 1, high: 3),
        instanceCompletion: EstimateRange(low: 60, expected: 150, high: 350))

    /// si-teacher-sim, Alpaca: not measured yet, so the real-model assumptions (a run of the recipe in the
    /// database replaces them).
    public static let alpacaSimulator = alpacaModel

    /// A GPT-3.5-class completion model, Alpaca: the prompt shows 3 tasks and asks for 20 (stop at "20."), so at
    /// most 16 candidates, each an instruction, input and output of about 60–80 tokens; max_tokens is 3072.
    public static let alpacaModel = DefaultFigures(
        candidatesPerPrompt: EstimateRange(low: 8, expected: 13, high: 16), admissionRate: 0.6, halvingPool: 50_000,
        generationSpread: 0.35,
        completionPerPrompt: EstimateRange(low: 600, expected: 1000, high: 2000),
        classifyCompletion: .zero, instanceCompletion: .zero)
}
