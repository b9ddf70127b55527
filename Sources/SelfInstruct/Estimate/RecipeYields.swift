// The unknowns of a run's cost, each with its source: what generation yields, and the tokens of a call per stage.

/// The figures a cost estimate multiplies out, for one recipe and teacher.
public struct RecipeYields: Sendable, Hashable {
    public var recipe: Recipe
    /// Prompts in one generation request.
    public var promptsPerCall: Int
    public var generation: GenerationYield
    /// Candidates parsed per prompt (shown to the operator; the generation yield already contains it).
    public var candidatesPerPrompt: EstimateRange
    /// Tokens of one call, per teacher-calling stage of the recipe.
    public var tokens: [PipelineStage: CallTokens]
    /// Calls per admitted instruction of the per-instruction stages (retries make it more than 1).
    public var callsPerInstruction: [PipelineStage: EstimateRange]
    /// Runs the figures were observed in; empty when every figure is a default.
    public var observedRuns: [Int64]
    public var assumptions: [EstimateAssumption]

    public init(
        recipe: Recipe, promptsPerCall: Int, generation: GenerationYield, candidatesPerPrompt: EstimateRange,
        tokens: [PipelineStage: CallTokens], callsPerInstruction: [PipelineStage: EstimateRange],
        observedRuns: [Int64] = [], assumptions: [EstimateAssumption] = []
    ) {
        self.recipe = recipe
        self.promptsPerCall = promptsPerCall
        self.generation = generation
        self.candidatesPerPrompt = candidatesPerPrompt
        self.tokens = tokens
        self.callsPerInstruction = callsPerInstruction
        self.observedRuns = observedRuns
        self.assumptions = assumptions
    }

    /// The stages of the recipe that call the teacher, in pipeline order.
    public static func teacherStages(of recipe: Recipe) -> [PipelineStage] {
        recipe == .selfInstruct ? [.generate, .classify, .instances] : [.generate]
    }

    /// Relative width of a range around an observed mean: runs of the same recipe vary by a few per cent.
    public static let observedSpread = 0.08

    /// These yields with every figure that `observed` measures replaced by the measurement.
    public func refined(with observed: ObservedYields) -> RecipeYields {
        guard !observed.runIDs.isEmpty else { return self }
        var refined = self
        let runs = "observed in run" + (observed.runIDs.count == 1 ? " " : "s ") + observed.runIDs.map(String.init).joined(separator: ", ")
        var replaced: Set<String> = []
        if let fitted = GenerationYield.fitted(observed.pool, spread: Self.observedSpread) {
            refined.generation = fitted
            replaced.insert("generation")
            let requests = observed.pool.reduce(0) { $0 + $1.requests }
            let candidates = observed.pool.reduce(0) { $0 + $1.candidates }
            if requests > 0 {
                refined.candidatesPerPrompt = EstimateRange(
                    Double(candidates) / Double(requests * promptsPerCall), spread: Self.observedSpread)
                replaced.insert("candidates")
            }
        }
        for stage in Self.teacherStages(of: recipe) {
            guard let usage = observed.usage(of: stage) else { continue }
            let calls = Double(usage.calls)
            refined.tokens[stage] = CallTokens(
                prompt: EstimateRange(Double(usage.promptTokens) / calls, spread: Self.observedSpread),
                completion: EstimateRange(Double(usage.completionTokens) / calls, spread: Self.observedSpread))
            replaced.insert("tokens.\(stage.rawValue)")
            if stage == .generate, usage.items > 0 {
                // HTTP calls per generation request: 1 when the prompts go as one list, their number when the
                // server needs one prompt per request (token counting), a little more with retries.
                refined.callsPerInstruction[.generate] = EstimateRange(calls / Double(usage.items), spread: Self.observedSpread / 2)
                replaced.insert("calls.generate")
            }
            if stage != .generate, usage.items > 0 {
                // Never below one call per instruction: every admitted instruction is classified and given instances.
                refined.callsPerInstruction[stage] = EstimateRange(
                    low: 1, expected: max(1, calls / Double(usage.items)), high: max(1, calls / Double(usage.items)) * 1.02)
                replaced.insert("calls.\(stage.rawValue)")
            }
        }
        guard !replaced.isEmpty else { return self }
        refined.observedRuns = observed.runIDs
        refined.assumptions = refined.describe(replaced: replaced, source: runs, previous: assumptions)
        return refined
    }

    /// The assumptions in words: the names in `replaced` now come from `source`, the others keep their text.
    private func describe(replaced: Set<String>, source: String, previous: [EstimateAssumption]) -> [EstimateAssumption] {
        // An observed generate line gives prompt and completion sizes together.
        previous.filter { !(replaced.contains("tokens.generate") && $0.name == "tokens.generate.completion") }.map { old in
            guard replaced.contains(old.name) else { return old }
            return EstimateAssumption(name: old.name, value: value(of: old.name) ?? old.value, source: source)
        }
    }

    /// The current value of a named assumption, in words.
    func value(of name: String) -> String? {
        func tokens(_ stage: PipelineStage) -> String? {
            self.tokens[stage].map { "\(Int($0.prompt.expected.rounded())) prompt + \(Int($0.completion.expected.rounded())) completion tokens per call" }
        }
        switch name {
        case "generation":
            return "\(EstimateAssumption.decimal(generation.base, digits: 3)) generation calls per admission + \(EstimateAssumption.decimal(generation.growth, digits: 6)) per pool member"
        case "candidates": return "\(EstimateAssumption.decimal(candidatesPerPrompt.expected, digits: 2)) candidates per prompt"
        case "tokens.generate": return tokens(.generate)
        case "tokens.classify": return tokens(.classify)
        case "tokens.instances": return tokens(.instances)
        case "calls.generate":
            return callsPerInstruction[.generate].map { "\(EstimateAssumption.decimal($0.expected, digits: 3)) HTTP calls per generation request" }
        case "calls.classify": return callsPerInstruction[.classify].map { "\(EstimateAssumption.decimal($0.expected, digits: 3)) calls per instruction" }
        case "calls.instances": return callsPerInstruction[.instances].map { "\(EstimateAssumption.decimal($0.expected, digits: 3)) calls per instruction" }
        default: return nil
        }
    }
}
