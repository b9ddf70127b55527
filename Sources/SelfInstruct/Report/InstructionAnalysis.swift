/// The analyses of a set of instructions and their instances: verbs and objects, ROUGE-L against the seeds,
/// lengths. Pure and deterministic; 52,000 instructions take a few seconds at most (the ROUGE-L pass dominates).
public struct InstructionAnalysis: Sendable, Hashable {
    public var sunburst: VerbSunburst
    public var rougeAgainstSeeds: Histogram
    public var instructionWords: Histogram
    public var inputWords: Histogram
    public var outputWords: Histogram
    public var emptyInputs: Int

    /// Analyses `instructions` against `seeds` (ROUGE-L with the run's tokenizer) and `instances` (input, output).
    public init(instructions: [String], seeds: [String], instances: [(input: String, output: String)], language: RunLanguage = .en) {
        sunburst = VerbSunburst(forms: instructions.map(VerbObjectExtractor.form(of:)))
        var vocabulary = TokenVocabulary(language: language)
        var index = NoveltyIndex(threshold: 0.7)
        for seed in seeds { index.admit(vocabulary.intern(seed)) }
        // The exact best match of each instruction among the seeds (the index's bounds only skip seeds that cannot
        // beat the best so far); a token no seed has cannot match, so `lookup` is enough.
        let scores = instructions.map { index.evaluate(vocabulary.lookup($0)).maxScore }
        rougeAgainstSeeds = Histogram(values: scores, lower: 0, upper: 1, bins: 20)
        func words(_ text: String) -> Double { Double(text.split(whereSeparator: \.isWhitespace).count) }
        instructionWords = Histogram(values: instructions.map(words), lower: 0, upper: 60, bins: 30)
        inputWords = Histogram(values: instances.map { words($0.input) }, lower: 0, upper: 120, bins: 30)
        outputWords = Histogram(values: instances.map { words($0.output) }, lower: 0, upper: 300, bins: 30)
        emptyInputs = instances.filter { $0.input.allSatisfy(\.isWhitespace) }.count
    }
}
