import Testing
@testable import SelfInstruct

@Suite struct InstanceParsingTests {
    typealias I = TaskInstance

    // MARK: generation tasks

    @Test func examplesWithFieldLabels() {
        let text = "Example 1\nList: [10, 92, 2, 5]\nOutput: [2, 5, 10, 92]\nExample 2\nList: [3, -1]\nOutput: [-1, 3]\n"
        #expect(InstanceParser.generationInstances(from: text) == [
            I(input: "List: [10, 92, 2, 5]", output: "[2, 5, 10, 92]"),
            I(input: "List: [3, -1]", output: "[-1, 3]"),
        ])
    }

    @Test func singleOutputWithoutExamples() {
        #expect(InstanceParser.generationInstances(from: "  Output: Paris is the capital.  ") == [I(input: "", output: "Paris is the capital.")])
        #expect(InstanceParser.generationInstances(from: "Input: 2 + 2\nOutput 1 : 4") == [I(input: "2 + 2", output: "4")])
    }

    @Test func noLabelsNoInstances() {
        #expect(InstanceParser.generationInstances(from: "Paris is the capital of France.").isEmpty)
        #expect(InstanceParser.generationInstances(from: "").isEmpty)
        #expect(InstanceParser.generationInstances(from: "output: lower-case labels do not count").isEmpty)
    }

    @Test func exampleSplitsAnywhereCaseSensitively() {
        // "Example" inside a sentence splits too (spec §6 item 8); "example" does not.
        let text = "Example 1.\nSentence: For Example, this.\nOutput: yes\nExample 2.\nSentence: an example here\nOutput: no"
        // The piece cut off before "Example," has no Output label, so all of it is the output.
        #expect(InstanceParser.generationInstances(from: text) == [
            I(input: "", output: "Sentence: For"),
            I(input: ", this.", output: "yes"),
            I(input: "Sentence: an example here", output: "no"),
        ])
    }

    @Test func examplePieceWithoutOutputLabelIsAllOutput() {
        #expect(InstanceParser.generationInstances(from: "Example 1\nThe answer is 42.") == [I(input: "", output: "The answer is 42.")])
    }

    @Test func outputIsCutAtTheNextOutputOrInputLabel() {
        let text = "Example 1\nInput: a\nOutput: b\nInput 2: c\nOutput 2: d"
        #expect(InstanceParser.generationInstances(from: text) == [I(input: "a", output: "b")])
        let twoOutputs = "Input: a\nOutput: b\nOutput: c"
        #expect(InstanceParser.generationInstances(from: twoOutputs) == [I(input: "a", output: "b")])
    }

    @Test func leadingInputLabelIsRemovedButOtherLabelsStay() {
        #expect(InstanceParser.generationInstances(from: "Input 1 :\n  hello\nOutput: hi") == [I(input: "hello", output: "hi")])
        #expect(InstanceParser.generationInstances(from: "Paragraph: Input: x\nOutput: y") == [I(input: "Paragraph: Input: x", output: "y")])
    }

    @Test func labelWhitespaceIsPythonWhitespace() {
        #expect(InstanceParser.generationInstances(from: "Input: q\nOutput\n\n3\t: r") == [I(input: "q", output: "r")])
        #expect(InstanceParser.generationInstances(from: "Output 1 2: r").isEmpty)
    }

    // MARK: classification tasks

    @Test func classLabels() {
        let text = "Class label: Positive\nSentence: I love it.\nClass label: Negative\nSentence: I hate it.\nIt is bad."
        #expect(InstanceParser.classificationInstances(from: text) == [
            I(input: "Sentence: I love it.", output: "Positive"),
            I(input: "Sentence: I hate it.\nIt is bad.", output: "Negative"),
        ])
    }

    @Test func classLabelsOnlyAndPreamble() {
        #expect(InstanceParser.classificationInstances(from: "ignored\nClass label: Yes\nClass label:  No  ") == [
            I(input: "", output: "Yes"), I(input: "", output: "No"),
        ])
        #expect(InstanceParser.classificationInstances(from: "class label: Yes").isEmpty)
        #expect(InstanceParser.classificationInstances(from: "Label: Yes").isEmpty)
    }

    // MARK: post-processing

    static let filter = InstanceFilter()

    func run(_ instances: [I], finish: FinishReason = .stop, seed: UInt64 = 1) -> InstanceParseResult {
        var random = SeededRandom(seed: seed)
        return Self.filter.apply(to: instances, finishReason: finish, random: &random)
    }

    @Test func truncatedLastIsDroppedOnlyForLength() {
        let instances = [I(input: "a", output: "1"), I(input: "b", output: "2")]
        let cut = run(instances, finish: .length)
        #expect(cut.kept == [I(input: "a", output: "1")])
        #expect(cut.dropped == [DroppedInstance(position: 1, instance: I(input: "b", output: "2"), reason: .truncatedLast)])
        #expect(run(instances).kept == instances)
        #expect(run([], finish: .length) == InstanceParseResult())
    }

    @Test(arguments: [
        (I(input: "same", output: "same"), InstanceDropReason.inputEqualsOutput),
        (I(input: "", output: ""), .inputEqualsOutput),
        (I(input: "x", output: ""), .emptyOutput),
        (I(input: "Sentence:", output: "yes"), .endsWithColon),
        (I(input: "x", output: "The answer is:"), .endsWithColon),
        (I(input: "x", output: "The answer is: \n"), .endsWithColon),
    ])
    func invalidInstances(instance: I, reason: InstanceDropReason) {
        let result = run([I(input: "ok", output: "fine"), instance])
        #expect(result.kept == [I(input: "ok", output: "fine")])
        #expect(result.dropped == [DroppedInstance(position: 1, instance: instance, reason: reason)])
    }

    @Test func validEdgeInstances() {
        let fine = [I(input: "", output: "Paris"), I(input: "a: b", output: "c : d."), I(input: "x", output: "e\u{301}")]
        #expect(run(fine).kept == fine)
        // Python compares code points: "é" and "e" + U+0301 differ, so this is not input == output.
        let composed = I(input: "\u{E9}", output: "e\u{301}")
        #expect(run([composed]).kept == [composed])
    }

    @Test func conflictingOutputsDropTheWholeTask() {
        let instances = [I(input: "2+2", output: "4"), I(input: "3+3", output: "6"), I(input: "2+2", output: "5")]
        let result = run(instances)
        #expect(result.kept.isEmpty)
        #expect(result.dropped.map(\.reason) == [.conflictingOutputs, .conflictingOutputs, .conflictingOutputs])
        #expect(result.dropped.map(\.position) == [0, 1, 2])
    }

    @Test func emptyInputsNeverConflict() {
        let instances = [I(input: "", output: "a"), I(input: "", output: "b")]
        #expect(run(instances).kept == instances)
    }

    @Test func invalidInstancesDoNotCauseConflicts() {
        // The second "2+2" is invalid (ends with a colon) and is removed before the conflict check.
        let result = run([I(input: "2+2", output: "4"), I(input: "2+2", output: "Answer:")])
        #expect(result.kept == [I(input: "2+2", output: "4")])
        #expect(result.dropped.map(\.reason) == [.endsWithColon])
    }

    @Test func duplicatesKeepTheFirstOccurrence() {
        let instances = [I(input: "", output: "a"), I(input: "x", output: "b"), I(input: "", output: "a"), I(input: "x", output: "b")]
        let result = run(instances)
        #expect(result.kept == [I(input: "", output: "a"), I(input: "x", output: "b")])
        #expect(result.dropped.map(\.position) == [2, 3])
        #expect(result.dropped.allSatisfy { $0.reason == .duplicate })
    }

    @Test func samplingKeepsAtMostFiveDeterministically() {
        let instances = (0..<9).map { I(input: "in \($0)", output: "out \($0)") }
        let first = run(instances, seed: 42)
        #expect(first.kept.count == 5)
        #expect(first.dropped.count == 4)
        #expect(first.dropped.allSatisfy { $0.reason == .overLimit })
        #expect(Set(first.kept).union(first.dropped.map(\.instance)) == Set(instances))
        // Kept instances stay in parse order.
        let keptPositions = first.kept.map { instances.firstIndex(of: $0)! }
        #expect(keptPositions == keptPositions.sorted())
        #expect(run(instances, seed: 42) == first)
        let others = (1...20).map { run(instances, seed: UInt64(100 + $0)).kept }
        #expect(Set(others).count > 1)
    }

    @Test func noRandomnessUsedAtOrBelowTheLimit() {
        var random = SeededRandom(seed: 7)
        let untouched = random
        let five = (0..<5).map { I(input: "\($0)", output: "o\($0)") }
        #expect(Self.filter.apply(to: five, finishReason: .stop, random: &random).kept == five)
        #expect(random == untouched)
    }

    @Test func reasonCodes() {
        #expect(InstanceDropReason.allCases.map(\.code) == [
            "truncated_last", "input_equals_output", "empty_output", "ends_with_colon", "conflicting_outputs", "duplicate", "over_limit",
        ])
    }

    @Test func processRoutesByTaskType() {
        var random = SeededRandom(seed: 3)
        let generation = Completion(text: "Example 1\nInput: a\nOutput: b\nExample 2\nInput: c\nOutput: d", finishReason: .length)
        let result = Self.filter.process(generation, isClassification: false, random: &random)
        #expect(result.kept == [I(input: "a", output: "b")])
        #expect(result.dropped.map(\.reason) == [.truncatedLast])
        let labels = Completion(text: "Class label: Yes\nSentence: ok\nClass label: No\nSentence: bad")
        #expect(Self.filter.process(labels, isClassification: true, random: &random).kept.map(\.output) == ["Yes", "No"])
        #expect(Self.filter.process(labels, isClassification: false, random: &random).kept.isEmpty)
    }
}
