/// Picks the 8 instructions of a Self-Instruct stage-1 prompt.
public enum InstructionExampleSampler {
    /// Instructions listed in one reference prompt (`num_prompt_instructions` 8).
    public static let referenceExamplesPerPrompt = 8
    /// Machine instructions mixed into one reference prompt once the pool has them.
    public static let referenceMachineExamples = 2

    /// Draws `min(machineExamples, machineCount)` machine indices and then seed indices up to `examplesPerPrompt`,
    /// each without replacement, and shuffles the result. With fewer seeds than needed it returns what exists.
    public static func sample(
        seedCount: Int, machineCount: Int, examplesPerPrompt: Int = referenceExamplesPerPrompt,
        machineExamples: Int = referenceMachineExamples, rng: inout SeededRandom
    ) -> [ExampleRef] {
        precondition(seedCount >= 0 && machineCount >= 0, "pool sizes must not be negative")
        precondition(examplesPerPrompt >= 0 && machineExamples >= 0, "example counts must not be negative")
        // Same draw order as the reference: machine sample, seed sample, then one shuffle of the combined list.
        let machineDraws = min(machineExamples, machineCount, examplesPerPrompt)
        var refs = rng.sampleIndices(population: machineCount, count: machineDraws).map(ExampleRef.machine)
        let seedDraws = min(examplesPerPrompt - machineDraws, seedCount)
        refs += rng.sampleIndices(population: seedCount, count: seedDraws).map(ExampleRef.seed)
        rng.shuffle(&refs)
        return refs
    }
}
