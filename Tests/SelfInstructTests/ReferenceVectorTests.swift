import Testing
@testable import SelfInstruct

/// Differential tests: reference-exact parsing against results CPython produced for the same texts
/// (`ReferenceVectors.swift`), and the promise that robust mode keeps whatever the reference keeps.
@Suite struct ReferenceVectorTests {
    @Test func selfInstructReferenceExact() {
        let parser = SelfInstructInstructionParser(mode: .referenceExact)
        for vector in ReferenceVectors.selfInstruct {
            let result = parser.parse(Completion(text: vector.text, finishReason: vector.finishReason))
            #expect(result.instructions.map(\.text).map(Scalars.init) == vector.kept.map(Scalars.init), "\(vector.text.debugDescription)")
        }
    }

    @Test func selfInstructRobustKeepsEverythingTheReferenceKeeps() {
        let robust = SelfInstructInstructionParser(mode: .robust)
        for vector in ReferenceVectors.selfInstruct {
            let result = robust.parse(Completion(text: vector.text, finishReason: vector.finishReason))
            let kept = result.instructions.map(\.text).map(Scalars.init)
            #expect(vector.kept.map(Scalars.init).allSatisfy(kept.contains), "\(vector.text.debugDescription)")
            #expect(result.instructions.count + result.dropped.count == SelfInstructInstructionParser.splitItems(vector.text).count)
        }
    }

    @Test func alpacaReferenceExact() {
        let parser = AlpacaResponseParser(mode: .referenceExact)
        for vector in ReferenceVectors.alpaca {
            let result = parser.parse(Completion(text: vector.text, finishReason: vector.finishReason))
            #expect(result.tasks.map(Triple.init) == vector.kept.map(Triple.init), "\(vector.text.debugDescription)")
        }
    }

    @Test func alpacaRobustKeepsEverythingTheReferenceKeeps() {
        let robust = AlpacaResponseParser(mode: .robust)
        var rescued = 0
        for vector in ReferenceVectors.alpaca {
            let result = robust.parse(Completion(text: vector.text, finishReason: vector.finishReason))
            let kept = result.tasks.map(Triple.init)
            #expect(vector.kept.map(Triple.init).allSatisfy(kept.contains), "\(vector.text.debugDescription)")
            rescued += kept.count - vector.kept.count
        }
        // The vectors include skipped numbers, so robust mode must actually recover some items.
        #expect(rescued > 0)
    }

    @Test func instancesReferenceRules() {
        let filter = InstanceFilter(maximumInstances: 1_000)
        for vector in ReferenceVectors.instances {
            var random = SeededRandom(seed: 0)
            let result = filter.process(
                Completion(text: vector.text, finishReason: vector.finishReason), isClassification: vector.isClassification, random: &random)
            #expect(result.kept.map { Triple($0.input, $0.output) } == vector.kept.map { Triple($0.0, $0.1) }, "\(vector.text.debugDescription)")
        }
    }

    @Test func heuristicsMatchPython() {
        for vector in ReferenceVectors.heuristics {
            #expect(Self.code(InstructionHeuristics.alpaca.check(vector.text)) == vector.alpacaCode, "\(vector.text.debugDescription)")
            #expect(Self.code(InstructionHeuristics.selfInstruct.check(vector.text)) == vector.selfInstructCode, "\(vector.text.debugDescription)")
        }
    }

    static func code(_ rejection: InstructionRejection?) -> String? {
        guard let rejection else { return nil }
        if case .blacklistedKeyword(let keyword) = rejection { return "blacklisted_keyword:" + keyword }
        return rejection.code
    }

    /// Code-point comparison (Swift's `String ==` would equate canonically equivalent texts).
    struct Scalars: Equatable {
        let values: [UInt32]
        init(_ text: String) { values = text.unicodeScalars.map(\.value) }
    }

    struct Triple: Equatable {
        let parts: [Scalars]
        init(_ a: String, _ b: String, _ c: String = "") { parts = [Scalars(a), Scalars(b), Scalars(c)] }
        init(_ task: ParsedAlpacaTask) { self.init(task.instruction, task.input, task.output) }
        init(_ t: (String, String, String)) { self.init(t.0, t.1, t.2) }
    }
}
