import SelfInstruct

// Writes the completion text for each prompt kind, in the formats the reference parsers read
// (spec §1.1, §1.2, §1.4 and §2.4). Lists are built as items first and numbered last, so a
// wrong-numbering fault changes only the numbers.

enum AnswerWriter {
    /// Highest item number a Self-Instruct list reaches (the client's stop `\n16` cuts that item off).
    static let selfInstructLastNumber = 16
    /// Highest item number an Alpaca list reaches (the client's stop `\n20` cuts that item off).
    static let alpacaLastNumber = 20
    /// Share of list items copied almost verbatim from the prompt's own examples.
    static let nearDuplicateShare = 0.04

    /// The completion for `kind`. A `skipFraction` in [0, 1) makes list numbers skip one value from that
    /// point of the list on (the items themselves stay the same).
    static func answer(for kind: PromptKind, skipFraction: Double? = nil, using rng: inout SeededRandom) -> String {
        switch kind {
        case let .instructionList(next, classificationOnly, examples):
            return instructionList(next: next, classificationOnly: classificationOnly, examples: examples, skipFraction: skipFraction, using: &rng)
        case let .alpacaList(next, examples):
            return alpacaList(next: next, examples: examples, skipFraction: skipFraction, using: &rng)
        case let .isClassification(task):
            return TaskProfile(instruction: task).isClassification ? " Yes" : " No"
        case let .outputFirstInstances(task):
            return outputFirst(TaskProfile(instruction: task), using: &rng)
        case let .inputFirstInstances(task):
            return inputFirst(TaskProfile(instruction: task), using: &rng)
        case .generic:
            return generic(using: &rng)
        }
    }

    // MARK: Lists

    /// Number of the `offset`-th item (0-based) when a skip starts at `skipFrom` (nil: no skip).
    private static func number(first: Int, offset: Int, skipFrom: Int?) -> Int {
        first + offset + ((skipFrom.map { offset >= $0 } ?? false) ? 1 : 0)
    }

    /// The first item offset (1..<count) whose number is shifted, from a fraction in [0, 1).
    private static func skipOffset(_ fraction: Double?, count: Int) -> Int? {
        guard let fraction, count > 1 else { return nil }
        return 1 + min(count - 2, Int(fraction * Double(count - 1)))
    }

    private static func newItem(examples: [String], classificationOnly: Bool, using rng: inout SeededRandom) -> String {
        if !examples.isEmpty, rng.chance(nearDuplicateShare) {
            return TaskGrammar.nearDuplicate(of: rng.choice(examples), using: &rng)
        }
        return TaskGrammar.instruction(using: &rng, classificationOnly: classificationOnly)
    }

    static func instructionList(next: Int, classificationOnly: Bool, examples: [String], skipFraction: Double?, using rng: inout SeededRandom) -> String {
        let count = max(selfInstructLastNumber - next + 1, 3)
        let items = (0..<count).map { _ in newItem(examples: examples, classificationOnly: classificationOnly, using: &rng) }
        // Now and then a blank line ends the list early (Self-Instruct's stop "\n\n").
        let blankAfter: Int? = rng.chance(0.04) ? 1 + rng.uniform(below: max(1, count - 1)) : nil
        let skipFrom = skipOffset(skipFraction, count: count)
        var text = " " + items[0]
        for offset in 1..<count {
            text += offset == blankAfter ? "\n\n" : "\n"
            text += "\(number(first: next, offset: offset, skipFrom: skipFrom)). " + items[offset]
        }
        return text
    }

    static func alpacaList(next: Int, examples: [String], skipFraction: Double?, using rng: inout SeededRandom) -> String {
        let count = max(alpacaLastNumber - next + 1, 2)
        let skipFrom = skipOffset(skipFraction, count: count)
        var text = ""
        for offset in 0..<count {
            let k = number(first: next, offset: offset, skipFrom: skipFrom)
            let instruction = newItem(examples: examples, classificationOnly: false, using: &rng)
            let profile = TaskProfile(instruction: instruction)
            // Alpaca: about 40 % of tasks carry an input; tasks that read one always get it.
            let input = profile.needsInput ? InstanceWriter.input(for: profile, using: &rng) : ""
            let output = InstanceWriter.output(for: profile, input: input, using: &rng)
            if offset == 0 {
                text += " " + instruction
            } else {
                text += "\n###\n\(k). Instruction: " + instruction
            }
            text += "\n\(k). Input:\n" + (input.isEmpty ? "<noinput>" : input)
            text += "\n\(k). Output:\n" + output
        }
        return text
    }

    // MARK: Instances

    /// `Class label: <label>\n<Field>: <input>\n` blocks for 2–3 labels, with the occasional invalid block.
    static func outputFirst(_ profile: TaskProfile, using rng: inout SeededRandom) -> String {
        let labels = profile.labels.isEmpty ? ["Yes", "No"] : profile.labels
        let wanted = 2 + rng.uniform(below: 2)
        var chosen = rng.sample(labels, count: min(labels.count, wanted))
        // Two-label tasks sometimes get a second example of one label.
        if chosen.count < wanted { chosen.append(rng.choice(labels)) }
        var blocks = chosen.map { label -> (String, String) in
            (label, InstanceWriter.input(for: profile, label: label, using: &rng))
        }
        switch rng.uniform(below: 100) {
        case 0..<3:  // The same input under two labels: the duplicate filter must drop the whole task.
            blocks.append((labels.first { $0 != blocks[0].0 } ?? blocks[0].0, blocks[0].1))
        case 3..<6:  // An exact duplicate block.
            blocks.append(blocks[0])
        case 6..<9:  // A label with a truncated input (ends with a colon).
            blocks.append((rng.choice(labels), ""))
        default:
            break
        }
        return blocks.map { label, input in
            input.isEmpty ? "Class label: \(label)\n\(profile.fieldName):\n" : "Class label: \(label)\n\(profile.fieldName): \(input)\n"
        }.joined()
    }

    /// `Output: …` for tasks without input, else `Example k` blocks, with the occasional invalid example.
    static func inputFirst(_ profile: TaskProfile, using rng: inout SeededRandom) -> String {
        if !profile.needsInput {
            if rng.chance(0.04) { return "Output:\n" }  // Empty output: dropped by the instance filter.
            return "Output: " + InstanceWriter.output(for: profile, input: "", using: &rng) + "\n"
        }
        // 1–4 examples, mean 2.5: with the invalid ones mixed in below and the tasks that need no input, a
        // Self-Instruct run keeps about 1.6 valid instances per instruction, the published 82K for 52K.
        let roll = rng.uniform(below: 100)
        let count = roll < 15 ? 1 : (roll < 50 ? 2 : (roll < 85 ? 3 : 4))
        var examples: [(String, String)] = (0..<count).map { _ in
            let input = InstanceWriter.input(for: profile, using: &rng)
            return ("\(profile.fieldName): " + input, InstanceWriter.output(for: profile, input: input, using: &rng))
        }
        switch rng.uniform(below: 100) {
        case 0..<2:  // Same input, different output: the whole task is dropped.
            examples.append((examples[0].0, examples[0].1 + " Also, " + rng.pick(WordBanks.advice).lowercasedFirst))
        case 2..<5:  // Exact duplicate.
            examples.append(examples[0])
        case 5..<7:  // Input equals output (no field label, echoed).
            let echo = InstanceWriter.sentence(about: profile.topic, label: nil, using: &rng)
            examples.append((echo, echo))
        case 7..<9:  // Output cut off after a colon.
            examples.append((examples[0].0 + " (variant)", "The answer is as follows:"))
        case 9..<11:  // Empty output.
            examples.append((examples[0].0 + " (second case)", ""))
        default:
            break
        }
        return examples.enumerated().map { index, example in
            "Example \(index + 1)\n\(example.0)\nOutput:\(example.1.isEmpty ? "" : " " + example.1)\n"
        }.joined()
    }

    static func generic(using rng: inout SeededRandom) -> String {
        " " + rng.pick(WordBanks.topics).capitalizedFirst + " is a good example: " + rng.pick(WordBanks.reasons) + ". " + rng.pick(WordBanks.advice)
    }
}
