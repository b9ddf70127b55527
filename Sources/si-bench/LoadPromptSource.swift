import SelfInstruct

/// Self-Instruct instruction prompts for load tests that need no seed file: each request gets
/// `promptsPerRequest` prompts of 8 examples drawn from a small built-in list, so bodies differ.
struct LoadPromptSource: Sendable {
    /// Written for these benchmarks; only their shape (short imperative tasks) matters.
    static let exampleInstructions = [
        "Give three tips for keeping a houseplant alive.",
        "Rewrite the sentence in the passive voice.",
        "Classify the review as positive or negative.",
        "Suggest a title for a short story about a lighthouse keeper.",
        "Explain what a leap year is to a ten-year-old.",
        "List four fruits that are rich in vitamin C.",
        "Convert the temperature from Celsius to Fahrenheit.",
        "Write a haiku about the first snow of winter.",
        "Find the odd one out in the list of animals.",
        "Summarize the paragraph in one sentence.",
        "Is the following statement a fact or an opinion?",
        "Propose a name for a bakery that sells only bread.",
        "Describe the steps to change a bicycle tyre.",
        "Translate the greeting into Spanish.",
        "Sort the numbers from smallest to largest.",
        "What questions should you ask before adopting a dog?",
    ]

    let batches: [[String]]
    let parameters: SamplingParameters

    /// `distinct` different request bodies, cycled through by request number.
    init(promptsPerRequest: Int, distinct: Int = 512, seed: UInt64 = 7) throws {
        let library = PromptLibrary.v1
        var random = SeededRandom(seed: seed)
        batches = (0..<distinct).map { _ in
            (0..<promptsPerRequest).map { _ in
                let picks = random.sampleIndices(
                    population: Self.exampleInstructions.count, count: InstructionExampleSampler.referenceExamplesPerPrompt)
                return renderSelfInstructInstructionPrompt(
                    examples: picks.map { Self.exampleInstructions[$0] }, classificationOnly: false, library: library)
            }
        }
        parameters = SamplingParameters.reference(for: .selfInstructInstructions)
    }

    func prompts(forRequest number: Int) -> [String] { batches[number % batches.count] }
}
