import Foundation
import Testing
@testable import SelfInstruct

/// Reference request parameters against the values recorded in the spec (§1.1, §1.2, §1.3, §2.3).
@Suite struct SamplingParametersTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        var kind: PromptKind
        var maxTokens: Int
        var temperature: Double
        var topP: Double
        var frequencyPenalty: Double
        var presencePenalty: Double
        var stop: [String]
        var logprobs: Int?
        var bestOf: Int?
        var logitBias: [Int: Int]
        var testDescription: String { kind.rawValue }
    }

    static let table: [Expected] = [
        Expected(kind: .selfInstructInstructions, maxTokens: 1024, temperature: 0.7, topP: 0.5, frequencyPenalty: 0,
                 presencePenalty: 2, stop: ["\n\n", "\n16", "16.", "16 ."], logprobs: 1, bestOf: 1, logitBias: [:]),
        Expected(kind: .selfInstructClassificationInstructions, maxTokens: 1024, temperature: 0.7, topP: 0.5,
                 frequencyPenalty: 0, presencePenalty: 2, stop: ["\n\n", "\n16", "16.", "16 ."], logprobs: 1, bestOf: 1,
                 logitBias: [:]),
        Expected(kind: .selfInstructIsClassification, maxTokens: 3, temperature: 0, topP: 0, frequencyPenalty: 0,
                 presencePenalty: 0, stop: ["\n", "Task"], logprobs: 1, bestOf: 1, logitBias: [:]),
        Expected(kind: .selfInstructInstancesOutputFirst, maxTokens: 300, temperature: 0, topP: 0, frequencyPenalty: 0,
                 presencePenalty: 1.5, stop: ["Example 6", "Task:"], logprobs: 1, bestOf: 1, logitBias: [:]),
        Expected(kind: .selfInstructInstancesInputFirst, maxTokens: 350, temperature: 0, topP: 0, frequencyPenalty: 0,
                 presencePenalty: 1.5, stop: ["Example 6", "Task:"], logprobs: 1, bestOf: 1, logitBias: [:]),
        Expected(kind: .alpacaInstructions, maxTokens: 3072, temperature: 1.0, topP: 1.0, frequencyPenalty: 0,
                 presencePenalty: 0, stop: ["\n20", "20.", "20."], logprobs: nil, bestOf: nil,
                 logitBias: [50256: -100]),
    ]

    @Test(arguments: table)
    func referenceValues(expected: Expected) {
        let p = SamplingParameters.reference(for: expected.kind)
        #expect(p.maxTokens == expected.maxTokens)
        #expect(p.temperature == expected.temperature)
        #expect(p.topP == expected.topP)
        #expect(p.frequencyPenalty == expected.frequencyPenalty)
        #expect(p.presencePenalty == expected.presencePenalty)
        #expect(p.stop == expected.stop)
        #expect(p.logprobs == expected.logprobs)
        #expect(p.n == 1)
        #expect(p.bestOf == expected.bestOf)
        #expect(p.logitBias == expected.logitBias)
        #expect(p.seed == nil)
    }

    @Test func tableCoversEveryKind() {
        #expect(Set(Self.table.map(\.kind)) == Set(PromptKind.allCases))
    }

    @Test func instanceBudgetDependsOnClassificationInBatch() {
        #expect(SamplingParameters.instanceMaxTokens(batchHasClassification: true) == 300)
        #expect(SamplingParameters.instanceMaxTokens(batchHasClassification: false) == 350)
    }

    @Test func referenceBatchSizeIsFivePrompts() {
        #expect(SamplingParameters.referencePromptsPerRequest == 5)
        #expect(InstructionExampleSampler.referenceExamplesPerPrompt == 8)
        #expect(InstructionExampleSampler.referenceMachineExamples == 2)
        #expect(AlpacaExampleSampler.referenceExamplesPerPrompt == 3)
    }

    /// With 8 listed examples the model starts at item 9; the stop list must cut it before item 16.
    @Test func instructionStopMatchesPromptNumbering() {
        let prompt = renderSelfInstructInstructionPrompt(
            examples: Array(repeating: "Name a colour.", count: InstructionExampleSampler.referenceExamplesPerPrompt),
            classificationOnly: false, library: .v1)
        #expect(prompt.hasSuffix("\n9."))
        #expect(SamplingParameters.reference(for: .selfInstructInstructions).stop.contains("\n16"))
    }

    /// Stored or hand-written parameters spell token ids as decimal strings, as the API does; anything else fails
    /// when read, long before a request could be built from it.
    @Test func logitBiasKeysAreDecimalTokenIDsInJSON() throws {
        let alpaca = SamplingParameters.reference(for: .alpacaInstructions)
        let text = String(decoding: try JSONEncoder().encode(alpaca), as: UTF8.self)
        #expect(text.contains(#""logitBias":{"50256":-100}"#))
        #expect(try JSONDecoder().decode(SamplingParameters.self, from: Data(text.utf8)) == alpaca)
        let bad = text.replacingOccurrences(of: #""50256""#, with: #""<|endoftext|>""#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SamplingParameters.self, from: Data(bad.utf8)) }
    }
}
