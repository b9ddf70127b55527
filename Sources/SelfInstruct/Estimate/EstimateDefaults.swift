// The figures an estimate uses when no earlier run of the recipe is in the database. Prompt sizes come from
// rendering real prompts from the run's seeds; yields and completion sizes are documented defaults
// (docs/operations.md, "Estimating a run"): measured on si-teacher-sim for the simulator, derived from the
// reference prompts and the papers' figures for real models.

/// Default yields per recipe and kind of teacher.
public enum EstimateDefaults {
    /// True for `si-teacher-sim`'s models, whose behaviour was measured rather than assumed.
    public static func isSimulator(model: String?) -> Bool {
        model?.hasPrefix("si-sim") ?? false
    }

    /// Prompts rendered to measure a generation prompt's size (deterministic: a fixed sampling seed).
    static let renderedPrompts = 40
    /// Rendered prompt sizes are exact for the seeds; machine examples (2 of 8 in Self-Instruct) differ a little.
    static let renderedSpread = 0.1

    /// The default yields of `recipe` on a simulated or real teacher, with prompt sizes rendered from `seeds`.
    public static func yields(
        recipe: Recipe, simulator: Bool, seeds: [SeedTask], library: PromptLibrary = .v1,
        counter: ApproximateTokenCounter = ApproximateTokenCounter()
    ) -> RecipeYields {
        let prompts = SamplingParameters.referencePromptsPerRequest
        let teacher = simulator ? "measured on si-teacher-sim (docs/operations.md)" : "default for a real model (docs/operations.md)"
        let rendered = "rendered from the \(seeds.count) seeds (≈4 bytes per token)"
        // Generation is the same model for both recipes; they differ in their figures and prompts.
        let figures: DefaultFigures
        let generationPrompts: [String]
        switch recipe {
        case .selfInstruct:
            figures = simulator ? DefaultFigures.selfInstructSimulator : DefaultFigures.selfInstructModel
            generationPrompts = selfInstructPrompts(seeds: seeds, library: library)
        case .alpaca:
            figures = simulator ? DefaultFigures.alpacaSimulator : DefaultFigures.alpacaModel
            generationPrompts = alpacaPrompts(seeds: seeds, library: library)
        }
        let candidates = figures.candidatesPerPrompt
        let generation = GenerationYield.from(
            promptsPerCall: prompts, candidatesPerPrompt: figures.candidatesPerPrompt.expected,
            admissionRate: figures.admissionRate, halvingPool: figures.halvingPool, spread: figures.generationSpread)
        let generatePrompt = Double(prompts) * averageTokens(counter, generationPrompts)
        var tokens: [PipelineStage: CallTokens] = [
            .generate: CallTokens(
                prompt: EstimateRange(generatePrompt, spread: renderedSpread),
                completion: figures.completionPerPrompt.scaled(by: Double(prompts))),
        ]
        var assumptions = [
            EstimateAssumption(name: "candidates", value: "\(EstimateAssumption.decimal(candidates.expected, digits: 2)) candidates per prompt", source: teacher),
            EstimateAssumption(
                name: "generation",
                value: "admission rate \(EstimateAssumption.decimal(figures.admissionRate, digits: 2)) with an empty pool, halving at \(EstimateAssumption.decimal(figures.halvingPool, digits: 0)) admitted",
                source: teacher),
            EstimateAssumption(name: "tokens.generate", value: "\(Int(generatePrompt.rounded())) prompt tokens per call", source: rendered),
            EstimateAssumption(
                name: "tokens.generate.completion",
                value: "\(Int(figures.completionPerPrompt.expected.rounded())) completion tokens per prompt", source: teacher),
        ]
        if recipe == .selfInstruct {
            let classifyPrompt = averageTokens(counter, seeds.map { renderIsClassificationPrompt(instruction: $0.instruction, library: library) })
            tokens[.classify] = CallTokens(prompt: EstimateRange(classifyPrompt, spread: renderedSpread), completion: figures.classifyCompletion)
            let instancePrompt = averageTokens(counter, seeds.map {
                renderInstancePrompt(instruction: $0.instruction, outputFirst: $0.isClassification ?? false, library: library)
            })
            tokens[.instances] = CallTokens(prompt: EstimateRange(instancePrompt, spread: renderedSpread), completion: figures.instanceCompletion)
            assumptions += [
                EstimateAssumption(name: "tokens.classify", value: "\(Int(classifyPrompt.rounded())) prompt tokens, "
                    + "\(Int(figures.classifyCompletion.expected.rounded())) completion per call", source: rendered + "; completion " + teacher),
                EstimateAssumption(name: "tokens.instances", value: "\(Int(instancePrompt.rounded())) prompt tokens, "
                    + "\(Int(figures.instanceCompletion.expected.rounded())) completion per call", source: rendered + "; completion " + teacher),
            ]
        }
        assumptions.append(EstimateAssumption(name: "calls.generate", value: "1 HTTP call per generation request", source: "the recipe"))
        if recipe == .selfInstruct {
            assumptions += [
                EstimateAssumption(name: "calls.classify", value: "1 call per admitted instruction", source: "the recipe"),
                EstimateAssumption(name: "calls.instances", value: "1 call per admitted instruction", source: "the recipe"),
            ]
        }
        let perInstruction = Dictionary(uniqueKeysWithValues: RecipeYields.teacherStages(of: recipe).filter { $0 != .generate }
            .map { ($0, EstimateRange(low: 1, expected: 1, high: 1.02)) })
        return RecipeYields(
            recipe: recipe, promptsPerCall: prompts, generation: generation, candidatesPerPrompt: candidates,
            tokens: tokens, callsPerInstruction: perInstruction, assumptions: assumptions)
    }

    /// Self-Instruct generation prompts of seeds only (an empty pool), as the generator samples them.
    static func selfInstructPrompts(seeds: [SeedTask], library: PromptLibrary) -> [String] {
        guard !seeds.isEmpty else { return [renderSelfInstructInstructionPrompt(examples: [], classificationOnly: false, library: library)] }
        return (0..<renderedPrompts).map { index in
            var rng = SeededRandom(seed: 0, stream: 0, index: UInt64(index))
            let refs = InstructionExampleSampler.sample(seedCount: seeds.count, machineCount: 0, rng: &rng)
            let examples = refs.map { $0.resolve(seed: { seeds[$0].instruction }, machine: { _ in "" }) }
            return renderSelfInstructInstructionPrompt(examples: examples, classificationOnly: false, library: library)
        }
    }

    /// Alpaca generation prompts, three seed tasks each.
    static func alpacaPrompts(seeds: [SeedTask], library: PromptLibrary) -> [String] {
        (0..<renderedPrompts).map { index in
            var rng = SeededRandom(seed: 0, stream: 0, index: UInt64(index))
            let picked = AlpacaExampleSampler.sample(seedCount: seeds.count, rng: &rng)
            return renderAlpacaPrompt(examples: picked.map { seeds[$0] }, library: library)
        }
    }

    static func averageTokens(_ counter: ApproximateTokenCounter, _ texts: [String]) -> Double {
        texts.isEmpty ? 0 : Double(texts.reduce(0) { $0 + counter.tokens(in: $1) }) / Double(texts.count)
    }
}
