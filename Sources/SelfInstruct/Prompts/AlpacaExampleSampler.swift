/// Picks the seed tasks shown in one Alpaca prompt; machine instructions never enter Alpaca prompts.
public enum AlpacaExampleSampler {
    /// Seed tasks shown in one reference prompt (`num_prompt_instructions` 3).
    public static let referenceExamplesPerPrompt = 3

    /// Distinct seed indices in draw order (at most `seedCount` of them).
    public static func sample(
        seedCount: Int, examplesPerPrompt: Int = referenceExamplesPerPrompt, rng: inout SeededRandom
    ) -> [Int] {
        precondition(seedCount >= 0 && examplesPerPrompt >= 0, "counts must not be negative")
        return rng.sampleIndices(population: seedCount, count: min(examplesPerPrompt, seedCount))
    }
}
