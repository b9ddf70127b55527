import SelfInstruct

// Recognises which pipeline step a prompt belongs to. The prompt texts are versioned elsewhere and may
// change wording, so structure (how the prompt ends, which labels it contains) decides first and the
// first line only breaks ties. Chinese prompts keep the structural labels in ASCII English, so the same
// structure decides for them; their first lines break ties by Chinese keywords.

/// The kinds of prompt the simulator answers specially.
enum PromptKind: Equatable, Sendable {
    /// A Self-Instruct numbered instruction list ending in the bare next number (`\n9.`).
    case instructionList(nextNumber: Int, classificationOnly: Bool, examples: [String])
    /// The is-classification question for one task (`…\nIs it classification?`).
    case isClassification(task: String)
    /// Output-first instance generation for a classification task (`…Task: <instruction>\n`).
    case outputFirstInstances(task: String)
    /// Input-first instance generation (`…Task: <instruction>\n`).
    case inputFirstInstances(task: String)
    /// Alpaca's 20-task prompt ending in `\n<k>. Instruction:`.
    case alpacaList(nextNumber: Int, examples: [String])
    /// Anything else.
    case generic

    static func recognise(_ prompt: String) -> PromptKind {
        let trimmedEnd = prompt.trimmingTrailingWhitespace()
        let firstLine = prompt.prefix { $0 != "\n" }.lowercased()
        let lines = trimmedEnd.split(separator: "\n", omittingEmptySubsequences: false)
        guard let lastLine = lines.last.map({ $0.trimmingWhitespace() }) else { return .generic }

        if lastLine.lowercased().hasSuffix("is it classification?") {
            // The question may share the line with the task or follow a `Task:` line.
            var taskLine = lastLine.dropLast("is it classification?".count).trimmingWhitespace()
            if taskLine.isEmpty, lines.count >= 2 {
                taskLine = lines[lines.count - 2].trimmingWhitespace()
            }
            return .isClassification(task: stripLabel("Task:", from: taskLine))
        }

        if let number = leadingNumber(of: lastLine, followedBy: ". instruction:"), trimmedEnd.contains("###") || firstLine.contains("20") {
            return .alpacaList(nextNumber: number, examples: alpacaExamples(in: lines))
        }

        if let number = bareNumber(lastLine), lines.count >= 2 {
            let examples = numberedItems(in: lines.dropLast())
            if !examples.isEmpty || firstLine.hasPrefix("come up with a series of")
                || (firstLine.contains("一系列") && firstLine.contains("任务")) {
                return .instructionList(
                    nextNumber: number,
                    classificationOnly: firstLine.contains("classification") || firstLine.contains("分类"),
                    examples: examples
                )
            }
        }

        if lastLine.hasPrefix("Task:") && prompt.hasSuffix("\n") {
            let task = stripLabel("Task:", from: lastLine)
            let body = trimmedEnd.dropLast(lastLine.count)
            if body.contains("Class label:") || firstLine.hasPrefix("given a classification task")
                || firstLine.contains("类别标签") || firstLine.contains("分类任务") {
                return .outputFirstInstances(task: task)
            }
            if body.contains("Output:") || body.contains("Example 1") || firstLine.hasPrefix("come up with examples")
                || firstLine.contains("举出例子") || firstLine.contains("示例") {
                return .inputFirstInstances(task: task)
            }
        }
        return .generic
    }

    private static func stripLabel(_ label: String, from line: some StringProtocol) -> String {
        let text = String(line).trimmingWhitespace()
        if text.hasPrefix(label) { return String(text.dropFirst(label.count)).trimmingWhitespace() }
        return text
    }

    /// `"9."` → 9 (optionally `"9 ."`); anything else → nil.
    private static func bareNumber(_ line: String) -> Int? {
        guard line.hasSuffix(".") else { return nil }
        let digits = line.dropLast().trimmingWhitespace()
        guard !digits.isEmpty, digits.count <= 4, digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(digits)
    }

    /// `"4. Instruction:"` → 4 when `suffix` (lower-cased) follows the number.
    private static func leadingNumber(of line: String, followedBy suffix: String) -> Int? {
        let digits = line.prefix(while: \.isASCIIDigit)
        guard !digits.isEmpty, digits.count <= 4 else { return nil }
        guard line.dropFirst(digits.count).lowercased() == suffix else { return nil }
        return Int(digits)
    }

    /// Texts of `k. text` lines, in order.
    private static func numberedItems(in lines: some Sequence<Substring>) -> [String] {
        var items: [String] = []
        for line in lines {
            let digits = line.prefix(while: \.isASCIIDigit)
            guard !digits.isEmpty else { continue }
            let rest = line.dropFirst(digits.count)
            guard rest.hasPrefix(". ") else { continue }
            items.append(rest.dropFirst(2).trimmingWhitespace())
        }
        return items
    }

    /// Texts of `k. Instruction: text` lines, in order.
    private static func alpacaExamples(in lines: [Substring]) -> [String] {
        lines.compactMap { line in
            let digits = line.prefix(while: \.isASCIIDigit)
            guard !digits.isEmpty else { return nil }
            let rest = line.dropFirst(digits.count)
            guard rest.hasPrefix(". Instruction:") else { return nil }
            let text = rest.dropFirst(". Instruction:".count).trimmingWhitespace()
            return text.isEmpty ? nil : text
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension StringProtocol {
    /// Python `str.strip()`.
    func trimmingWhitespace() -> String { PythonText.strip(self) }

    /// Python `str.rstrip()`.
    func trimmingTrailingWhitespace() -> String {
        let text = String(self)
        guard let last = text.unicodeScalars.lastIndex(where: { !isPythonWhitespace($0) }) else { return "" }
        return String(text[...last])
    }
}
