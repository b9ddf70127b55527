import SelfInstruct

// Writes the completion text for each prompt kind, in the formats the reference parsers read
// (spec §1.1, §1.2, §1.4 and §2.4). Lists are built as items first and numbered last, so a
// wrong-numbering fault changes only the numbers. Chinese prompts get Chinese text in the same formats (the
// structural labels stay ASCII English); the English path draws exactly the random numbers it always did.

enum AnswerWriter {
    /// Highest item number a Self-Instruct list reaches (the client's stop `\n16` cuts that item off).
    static let selfInstructLastNumber = 16
    /// Highest item number an Alpaca list reaches (the client's stop `\n20` cuts that item off).
    static let alpacaLastNumber = 20
    /// Share of list items copied almost verbatim from the prompt's own examples.
    static let nearDuplicateShare = 0.04

    /// The completion for `kind`. A `skipFraction` in [0, 1) makes list numbers skip one value from that
    /// point of the list on (the items themselves stay the same).
    static func answer(
        for kind: PromptKind, language: PromptLanguage = .english, skipFraction: Double? = nil, using rng: inout SeededRandom
    ) -> String {
        switch kind {
        case let .instructionList(next, classificationOnly, examples):
            return instructionList(
                next: next, classificationOnly: classificationOnly, examples: examples, language: language, skipFraction: skipFraction, using: &rng)
        case let .alpacaList(next, examples):
            return alpacaList(next: next, examples: examples, language: language, skipFraction: skipFraction, using: &rng)
        case let .isClassification(task):
            let taskLanguage = PromptLanguage.ofTask(task, in: language)
            return TaskProfile(instruction: task, language: taskLanguage).isClassification ? " Yes" : " No"
        case let .outputFirstInstances(task):
            let taskLanguage = PromptLanguage.ofTask(task, in: language)
            return outputFirst(TaskProfile(instruction: task, language: taskLanguage), language: taskLanguage, using: &rng)
        case let .inputFirstInstances(task):
            let taskLanguage = PromptLanguage.ofTask(task, in: language)
            return inputFirst(TaskProfile(instruction: task, language: taskLanguage), language: taskLanguage, using: &rng)
        case .generic:
            return language == .chinese ? chineseGeneric(using: &rng) : generic(using: &rng)
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

    private static func newItem(examples: [String], classificationOnly: Bool, language: PromptLanguage, using rng: inout SeededRandom) -> String {
        if !examples.isEmpty, rng.chance(nearDuplicateShare) {
            let example = rng.choice(examples)
            // An English example in a Chinese prompt is copied the English way.
            if PromptLanguage.ofTask(example, in: language) == .chinese { return ChineseTaskGrammar.nearDuplicate(of: example, using: &rng) }
            return TaskGrammar.nearDuplicate(of: example, using: &rng)
        }
        if language == .chinese { return ChineseTaskGrammar.instruction(using: &rng, classificationOnly: classificationOnly) }
        return TaskGrammar.instruction(using: &rng, classificationOnly: classificationOnly)
    }

    static func instructionList(
        next: Int, classificationOnly: Bool, examples: [String], language: PromptLanguage = .english, skipFraction: Double?,
        using rng: inout SeededRandom
    ) -> String {
        let count = max(selfInstructLastNumber - next + 1, 3)
        let items = (0..<count).map { _ in newItem(examples: examples, classificationOnly: classificationOnly, language: language, using: &rng) }
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

    static func alpacaList(
        next: Int, examples: [String], language: PromptLanguage = .english, skipFraction: Double?, using rng: inout SeededRandom
    ) -> String {
        let count = max(alpacaLastNumber - next + 1, 2)
        let skipFrom = skipOffset(skipFraction, count: count)
        var text = ""
        for offset in 0..<count {
            let k = number(first: next, offset: offset, skipFrom: skipFrom)
            let instruction = newItem(examples: examples, classificationOnly: false, language: language, using: &rng)
            let taskLanguage = PromptLanguage.ofTask(instruction, in: language)
            let profile = TaskProfile(instruction: instruction, language: taskLanguage)
            // Alpaca: about 40 % of tasks carry an input; tasks that read one always get it.
            let input = profile.needsInput ? Self.input(for: profile, language: taskLanguage, using: &rng) : ""
            let output = Self.output(for: profile, input: input, language: taskLanguage, using: &rng)
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

    /// An input for the task in `language`'s writer.
    private static func input(for profile: TaskProfile, label: String? = nil, language: PromptLanguage, using rng: inout SeededRandom) -> String {
        switch language {
        case .english: InstanceWriter.input(for: profile, label: label, using: &rng)
        case .chinese: ChineseInstanceWriter.input(for: profile, label: label, using: &rng)
        }
    }

    /// The output for `input` in `language`'s writer.
    private static func output(for profile: TaskProfile, input: String, language: PromptLanguage, using rng: inout SeededRandom) -> String {
        switch language {
        case .english: InstanceWriter.output(for: profile, input: input, using: &rng)
        case .chinese: ChineseInstanceWriter.output(for: profile, input: input, using: &rng)
        }
    }

    /// `<Field>: ` in English, `<字段>：` (full-width colon, no space) in Chinese.
    private static func fieldPrefix(_ profile: TaskProfile, language: PromptLanguage) -> String {
        language == .chinese ? profile.fieldName + "：" : profile.fieldName + ": "
    }

    /// `Class label: <label>\n<Field>: <input>\n` blocks for 2–3 labels, with the occasional invalid block.
    static func outputFirst(_ profile: TaskProfile, language: PromptLanguage = .english, using rng: inout SeededRandom) -> String {
        let defaultLabels = language == .chinese ? ["是", "否"] : ["Yes", "No"]
        let labels = profile.labels.isEmpty ? defaultLabels : profile.labels
        let wanted = 2 + rng.uniform(below: 2)
        var chosen = rng.sample(labels, count: min(labels.count, wanted))
        // Two-label tasks sometimes get a second example of one label.
        if chosen.count < wanted { chosen.append(rng.choice(labels)) }
        var blocks = chosen.map { label -> (String, String) in
            (label, Self.input(for: profile, label: label, language: language, using: &rng))
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
        let field = fieldPrefix(profile, language: language)
        return blocks.map { label, input in
            // A truncated input keeps only its field label, which ends with a colon.
            input.isEmpty
                ? "Class label: \(label)\n\(field.trimmingTrailingWhitespace())\n" : "Class label: \(label)\n\(field)\(input)\n"
        }.joined()
    }

    /// `Output: …` for tasks without input, else `Example k` blocks, with the occasional invalid example.
    static func inputFirst(_ profile: TaskProfile, language: PromptLanguage = .english, using rng: inout SeededRandom) -> String {
        let chinese = language == .chinese
        if !profile.needsInput {
            if rng.chance(0.04) { return "Output:\n" }  // Empty output: dropped by the instance filter.
            return "Output: " + Self.output(for: profile, input: "", language: language, using: &rng) + "\n"
        }
        let field = fieldPrefix(profile, language: language)
        // 1–4 examples, mean 2.5: with the invalid ones mixed in below and the tasks that need no input, a
        // Self-Instruct run keeps about 1.6 valid instances per instruction, the published 82K for 52K.
        let roll = rng.uniform(below: 100)
        let count = roll < 15 ? 1 : (roll < 50 ? 2 : (roll < 85 ? 3 : 4))
        var examples: [(String, String)] = (0..<count).map { _ in
            let input = Self.input(for: profile, language: language, using: &rng)
            return (field + input, Self.output(for: profile, input: input, language: language, using: &rng))
        }
        switch rng.uniform(below: 100) {
        case 0..<2:  // Same input, different output: the whole task is dropped.
            let also = chinese ? "另外，" + rng.pick(ChineseWordBanks.advice) : " Also, " + rng.pick(WordBanks.advice).lowercasedFirst
            examples.append((examples[0].0, examples[0].1 + also))
        case 2..<5:  // Exact duplicate.
            examples.append(examples[0])
        case 5..<7:  // Input equals output (no field label, echoed).
            let echo = chinese
                ? ChineseInstanceWriter.sentence(about: profile.topic, label: nil, using: &rng)
                : InstanceWriter.sentence(about: profile.topic, label: nil, using: &rng)
            examples.append((echo, echo))
        case 7..<9:  // Output cut off after a colon.
            examples.append(chinese ? (examples[0].0 + "（变体）", "答案如下：") : (examples[0].0 + " (variant)", "The answer is as follows:"))
        case 9..<11:  // Empty output.
            examples.append((examples[0].0 + (chinese ? "（第二种情况）" : " (second case)"), ""))
        default:
            break
        }
        return examples.enumerated().map { index, example in
            "Example \(index + 1)\n\(example.0)\nOutput:\(example.1.isEmpty ? "" : " " + example.1)\n"
        }.joined()
    }

    static func chineseGeneric(using rng: inout SeededRandom) -> String {
        " " + rng.pick(ChineseWordBanks.topics) + "就是一个很好的例子：" + rng.pick(ChineseWordBanks.reasons) + "。" + rng.pick(ChineseWordBanks.advice)
    }

    static func generic(using rng: inout SeededRandom) -> String {
        " " + rng.pick(WordBanks.topics).capitalizedFirst + " is a good example: " + rng.pick(WordBanks.reasons) + ". " + rng.pick(WordBanks.advice)
    }
}
