// Which few-shot examples go into one prompt. Sampling returns indices, not texts, so a distributed
// generator can fetch just the chosen machine instructions from the database (spec §1.1 steps 1–3, §2.2).

/// One example slot of a Self-Instruct instruction prompt: a seed task or an accepted machine instruction.
public enum ExampleRef: Sendable, Hashable, Codable {
    /// Position in the seed list the run was started with.
    case seed(Int)
    /// Position in the machine pool, in acceptance order.
    case machine(Int)

    /// The instruction text this slot refers to, looked up by the caller's accessors.
    public func resolve(seed: (Int) throws -> String, machine: (Int) throws -> String) rethrows -> String {
        switch self {
        case .seed(let index): try seed(index)
        case .machine(let index): try machine(index)
        }
    }
}

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
