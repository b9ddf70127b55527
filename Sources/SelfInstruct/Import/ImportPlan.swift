// Everything `sictl import` decides before it writes: hygiene on every record, records grouped by instruction, and
// the greedy novelty filter over the distinct instructions in file order (the pipeline's filter, no seeds).

/// The decided contents of an imported file, ready to be written as one run.
public struct ImportPlan: Sendable {
    /// Distinct instructions in order of first appearance; `position` is the index.
    public var instructions: [ImportedInstruction] = []
    /// Records whose text cannot be stored (PostgreSQL text holds no U+0000), by line.
    public var problems: [InputProblem] = []
    /// Per reason, removals and normalisations, in `HygieneReason.allCases` order; only reasons that applied.
    public var hygiene: [ImportHygieneTally] = []
    public var records = 0

    /// Decides every record. `hygiene` false stores the records as read; `progress` is called every 1,024 records,
    /// then every 256 instructions, and at the end of each.
    public static func make(
        _ records: [ImportRecord], fileName: String, hygiene: Bool = true, threshold: Double = 0.7,
        language: RunLanguage = .en, progress: (ImportProgress) -> Void = { _ in }
    ) -> ImportPlan {
        var plan = ImportPlan()
        plan.records = records.count
        var tallies: [HygieneReason: ImportHygieneTally] = [:]
        var groupOf: [ScalarKey: Int] = [:]
        // Per group: its kept (input, output) pairs, to find exact duplicates.
        var seenPairs: [Set<[ScalarKey]>] = []

        for (index, record) in records.enumerated() {
            if index & 1023 == 0 { progress(.records(done: index, total: records.count)) }
            var instruction = record.instruction, input = record.input, output = record.output
            var status = ImportedInstanceStatus.valid(fixes: [])
            if hygiene {
                switch RecordHygiene.check(instruction: record.instruction, input: record.input, output: record.output) {
                case .remove(let reason):
                    status = .removed(reason)
                    // Stored and grouped cleaned, as a kept record is: a NUL here is no reason to refuse the file.
                    (instruction, input, output) = (
                        RecordHygiene.cleanedText(instruction), RecordHygiene.cleanedText(input), RecordHygiene.cleanedText(output))
                    tallies[reason, default: ImportHygieneTally(reason: reason)].add(record)
                case .keep(let fixedInstruction, let fixedInput, let fixedOutput, let fixes):
                    (instruction, input, output) = (fixedInstruction, fixedInput, fixedOutput)
                    status = .valid(fixes: fixes)
                    for fix in fixes { tallies[fix, default: ImportHygieneTally(reason: fix)].add(record) }
                }
            }
            for (field, text) in [("instruction", instruction), ("input", input), ("output", output)]
            where text.unicodeScalars.contains("\u{0}") {
                plan.problems.append(InputProblem(
                    file: fileName, line: record.line, field: field,
                    message: "contains U+0000 (NUL), which PostgreSQL text cannot store" + (hygiene ? "" : "; hygiene (without --no-hygiene) removes control characters")))
            }
            let key = ScalarKey(instruction)
            let group: Int
            if let existing = groupOf[key] {
                group = existing
            } else {
                group = plan.instructions.count
                groupOf[key] = group
                plan.instructions.append(ImportedInstruction(
                    position: group, text: instruction, line: record.line,
                    decision: .rejected(.hygieneRemovedAll, nearest: nil, score: nil), instances: []))
                seenPairs.append([])
            }
            if status.isValid, !seenPairs[group].insert([ScalarKey(input), ScalarKey(output)]).inserted {
                status = .duplicate
            }
            plan.instructions[group].instances.append(ImportedInstance(line: record.line, input: input, output: output, status: status))
        }
        progress(.records(done: records.count, total: records.count))
        plan.hygiene = HygieneReason.allCases.compactMap { tallies[$0] }
        plan.decideNovelty(threshold: threshold, language: language, progress: progress)
        return plan
    }

    /// The greedy filter in file order: an instruction with a kept record is admitted unless its ROUGE-L F against
    /// an earlier admission exceeds the threshold; one without is rejected before the filter (hygiene removed all).
    private mutating func decideNovelty(threshold: Double, language: RunLanguage, progress: (ImportProgress) -> Void) {
        var pool = AdmissionPool(threshold: threshold, seedInstructions: [], language: language)
        var admittedTexts: [String] = []
        for index in instructions.indices {
            if index & 255 == 0 { progress(.instructions(done: index, total: instructions.count)) }
            guard instructions[index].instances.contains(where: { $0.status.isValid }) else { continue }
            let text = instructions[index].text
            let decision = pool.evaluate(text)
            if decision.keep {
                let sequence = Int64(admittedTexts.count + 1)
                // Cannot fail: the sequence is the next one by construction.
                try? pool.admit(text, sequence: sequence)
                admittedTexts.append(text)
                instructions[index].decision = .admitted(sequence: sequence)
            } else {
                instructions[index].decision = .rejected(
                    .tooSimilar, nearest: decision.bestMatch.map { admittedTexts[$0] }, score: decision.maxScore)
                for k in instructions[index].instances.indices where instructions[index].instances[k].status.isValid {
                    instructions[index].instances[k].status = .instructionRejected
                }
            }
        }
        progress(.instructions(done: instructions.count, total: instructions.count))
    }

    // MARK: - Counts

    public var admitted: Int { instructions.count { if case .admitted = $0.decision { true } else { false } } }

    /// Rejected instructions per reason.
    public var rejected: [AdmissionRejection: Int] {
        var counts: [AdmissionRejection: Int] = [:]
        for instruction in instructions {
            if case .rejected(let reason, _, _) = instruction.decision { counts[reason, default: 0] += 1 }
        }
        return counts
    }

    public var validInstances: Int { instructions.reduce(0) { $0 + $1.instances.count { $0.status.isValid } } }

    /// Rejected instances per stored reason.
    public var rejectedInstances: [String: Int] {
        var counts: [String: Int] = [:]
        for instruction in instructions {
            for instance in instruction.instances {
                if let reason = instance.status.rejectReason { counts[reason, default: 0] += 1 }
            }
        }
        return counts
    }
}
