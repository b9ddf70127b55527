import Testing
@testable import SelfInstruct

@Suite struct ImportPlanTests {
    func records(_ triples: [(String, String, String)]) -> [ImportRecord] {
        triples.enumerated().map { ImportRecord(line: $0.offset + 1, instruction: $0.element.0, input: $0.element.1, output: $0.element.2) }
    }

    @Test func recordsSharingAnInstructionBecomeItsInstancesInFileOrder() {
        let plan = ImportPlan.make(records([
            ("Name a prime number.", "", "7"),
            ("List three colours.", "", "red, green, blue"),
            ("Name a prime number.", "", "11"),
            ("Name a prime number.", "", "7"),
        ]), fileName: "data.jsonl", hygiene: false)
        #expect(plan.problems.isEmpty)
        #expect(plan.instructions.map(\.text) == ["Name a prime number.", "List three colours."])
        #expect(plan.instructions.map(\.position) == [0, 1])
        #expect(plan.instructions.map(\.decision) == [.admitted(sequence: 1), .admitted(sequence: 2)])
        let primes = plan.instructions[0].instances
        #expect(primes.map(\.output) == ["7", "11", "7"])
        #expect(primes.map(\.line) == [1, 3, 4])
        #expect(primes.map(\.status) == [.valid(fixes: []), .valid(fixes: []), .duplicate])
        #expect(plan.instructions.map(\.instanceOutcome) == [.generated, .generated])
        #expect(plan.validInstances == 3)
        #expect(plan.rejectedInstances == ["duplicate": 1])
    }

    @Test func theNoveltyFilterRunsInFileOrderAsTheStageRecordsIt() {
        let texts = ["Give three tips for staying healthy.", "Give three tips for staying healthy today.",
                     "Describe the structure of an atom.", "Give me three tips for staying healthy."]
        let plan = ImportPlan.make(records(texts.map { ($0, "", "An answer.") }), fileName: "data.jsonl", hygiene: false)
        // The same decisions, scores and nearest matches as the pipeline's pool replayed by hand.
        var pool = AdmissionPool(threshold: 0.7, seedInstructions: [])
        try? pool.admit(texts[0], sequence: 1)
        let tooClose = pool.evaluate(texts[1])
        #expect(!tooClose.keep)
        #expect(plan.instructions[0].decision == .admitted(sequence: 1))
        #expect(plan.instructions[1].decision == .rejected(.tooSimilar, nearest: texts[0], score: tooClose.maxScore))
        #expect(plan.instructions[2].decision == .admitted(sequence: 2))
        guard case .rejected(.tooSimilar, let nearest, let score?) = plan.instructions[3].decision else {
            Issue.record("expected a rejection, got \(plan.instructions[3].decision)")
            return
        }
        #expect(nearest == texts[0] && score > 0.7)
        #expect(plan.instructions[1].instances.map(\.status) == [.instructionRejected])
        #expect(plan.instructions[1].instanceOutcome == nil)
        #expect(plan.admitted == 2)
        #expect(plan.rejected == [.tooSimilar: 2])
        #expect(plan.rejectedInstances == ["instruction_rejected": 2])
    }

    @Test func hygieneRemovalsAreRejectedInstancesAndKeepTheirInstructionOutOfThePool() {
        let plan = ImportPlan.make(records([
            ("Convert 20 inches to centimetres.", "", ""),
            ("Convert 20 inches to centimetres!", "", "50.8 cm"),
            ("Standardize the date.", "July 26th, 2021", ""),
            ("Standardize the date.", "May 1st, 2020", "2020-05-01"),
        ]), fileName: "data.jsonl")
        // The first instruction lost its only record, so the second, almost the same text, is not compared with it.
        #expect(plan.instructions.map(\.decision) == [
            .rejected(.hygieneRemovedAll, nearest: nil, score: nil), .admitted(sequence: 1), .admitted(sequence: 2),
        ])
        #expect(plan.instructions[0].instances.map(\.status) == [.removed(.emptyOutput)])
        #expect(plan.instructions[2].instances.map(\.status) == [.removed(.emptyOutput), .valid(fixes: [])])
        #expect(plan.instructions[2].instanceOutcome == .generated)
        #expect(plan.hygiene.map(\.reason) == [.emptyOutput])
        #expect(plan.hygiene.first?.count == 2)
        #expect(plan.hygiene.first?.examples.map(\.line) == [1, 3])
        #expect(plan.rejectedInstances == ["hygiene_empty_output": 2])
        #expect(plan.rejected == [.hygieneRemovedAll: 1])

        // Without hygiene every record is kept as read.
        let raw = ImportPlan.make(records([("Convert 20 inches to centimetres.", "", "")]), fileName: "data.jsonl", hygiene: false)
        #expect(raw.instructions.map(\.decision) == [.admitted(sequence: 1)])
        #expect(raw.hygiene.isEmpty)
    }

    @Test func normalisedRecordsAreKeptFixedAndTallied() {
        let plan = ImportPlan.make(records([("Name a fruit.", "<noinput>", "Apple"), ("Name a fruit.", "", "Apple")]), fileName: "data.jsonl")
        // Once normalised the two records are the same: the second is a duplicate of the first.
        #expect(plan.instructions.count == 1)
        #expect(plan.instructions[0].instances.map(\.input) == ["", ""])
        #expect(plan.instructions[0].instances.map(\.status) == [.valid(fixes: [.noInputMarker]), .duplicate])
        #expect(plan.hygiene.map(\.reason) == [.noInputMarker])
        #expect(plan.hygiene.first?.examples.map(\.input) == ["<noinput>"])
    }

    @Test func aTallyKeepsThreeExamples() {
        let plan = ImportPlan.make(records((0..<5).map { ("Instruction number \($0) about a distinct topic \($0 * 7919).", "", "") }),
                                   fileName: "data.jsonl")
        #expect(plan.hygiene.first?.count == 5)
        #expect(plan.hygiene.first?.examples.map(\.line) == [1, 2, 3])
    }

    @Test func textPostgreSQLCannotStoreIsAProblemWithItsLine() {
        let plan = ImportPlan.make(records([("Fine.", "", "ok"), ("Also fine.", "a\u{0}b", "ok")]), fileName: "data.jsonl", hygiene: false)
        #expect(plan.problems.map(\.description) == [
            "data.jsonl:2: error: field 'input': contains U+0000 (NUL), which PostgreSQL text cannot store; hygiene (without --no-hygiene) removes control characters",
        ])
    }

    @Test func progressIsReportedUpToTheEnd() {
        var calls: [ImportProgress] = []
        // 1,100 records of 300 distinct instructions.
        _ = ImportPlan.make(records((0..<1_100).map { ("Task \($0 % 300) with words \($0 % 300 * 31) and \($0 % 300 * 17).", "", "x \($0)") }),
                            fileName: "d", hygiene: false) { calls.append($0) }
        #expect(calls == [
            .records(done: 0, total: 1_100), .records(done: 1_024, total: 1_100), .records(done: 1_100, total: 1_100),
            .instructions(done: 0, total: 300), .instructions(done: 256, total: 300), .instructions(done: 300, total: 300),
        ])
    }

    @Test func provenanceRoundTripsThroughRunsConfig() throws {
        let provenance = ImportProvenance(path: "/data/a \"b\".jsonl", sha256: String(repeating: "ab", count: 32), format: .selfInstruct,
                                          hygiene: false, records: 12)
        #expect(ImportProvenance(configJSON: provenance.configJSON) == provenance)
        #expect(ImportProvenance(configJSON: #"{"validation_fraction": 0.1}"#) == nil)
    }
}
