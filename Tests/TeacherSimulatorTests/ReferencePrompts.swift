import Foundation

/// Prompts shaped like the reference pipelines' (spec §1.1–§1.4, §2.2).
enum Prompts {
    static let seeds = [
        "Give three tips for staying healthy.", "Write a poem about the ocean.", "Sort the given list ascendingly.",
        "Classify the sentiment of the sentence into positive, negative, or mixed.", "Summarize the article in three sentences.",
        "Translate the sentence into French.", "What is the capital of France?", "Suggest a name for a new cat.",
    ]

    static func instructionList(_ examples: [String] = seeds, classification: Bool = false) -> String {
        let header = classification
            ? "Come up with a series of classification tasks. Where possible, name the possible output labels.\n"
            : "Come up with a series of tasks:\n"
        return header + examples.enumerated().map { "\($0.offset + 1). \($0.element)\n" }.joined() + "\(examples.count + 1)."
    }

    static func isClassification(_ task: String) -> String {
        "Can the following task be regarded as a classification task with finite output labels?\n\n"
            + "Task: Given my personality and the job, tell me if I would be suitable.\nIs it classification? Yes\n\n"
            + "Task: Give me an example of a time when you had to use your sense of humor.\nIs it classification? No\n\n"
            + "Task: " + task + "\nIs it classification?"
    }

    static func outputFirst(_ task: String) -> String {
        "Given a classification task and its class labels, generate an input that corresponds to each of the class labels. "
            + "If the task doesn't require input, just generate possible class labels.\n\n"
            + "Task: Classify the sentiment of the sentence into positive, negative, or mixed.\n"
            + "Class label: mixed\nSentence: I enjoy the flavor of the restaurant but their service is too slow.\n"
            + "Class label: Positive\nSentence: I had a great day today.\n\n"
            + "Task: " + task + "\n"
    }

    static func inputFirst(_ task: String) -> String {
        "Come up with examples for the following tasks. Try to generate multiple examples when possible. "
            + "If the task doesn't require additional input, you can generate the output directly.\n\n"
            + "Task: Which exercises are best for reducing belly fat at home?\nOutput:\n- Lying Leg Raises\n- Plank\n\n"
            + "Task: Sort the given list ascendingly.\nExample 1\nList: [10, 92, 2, 5, -4]\nOutput: [-4, 2, 5, 10, 92]\n\n"
            + "Task: " + task + "\n"
    }

    static func alpaca() -> String {
        "You are asked to write 20 diverse task instructions. These task instructions will be given to a GPT model.\n\n"
            + "List of 20 tasks:\n###\n1. Instruction: Give three tips for staying healthy.\n1. Input:\n<noinput>\n1. Output:\nEat well, sleep, move.\n"
            + "###\n2. Instruction: Sort the list.\n2. Input:\n3, 1, 2\n2. Output:\n1, 2, 3\n"
            + "###\n3. Instruction: Translate the sentence into French.\n3. Input:\nHello.\n3. Output:\nBonjour.\n###\n4. Instruction:"
    }
}

/// Self-Instruct's stage-1 split (spec §1.1): the first piece is item k, later pieces follow `\n<digits> ?. `.
func selfInstructItems(_ text: String) -> [String] {
    text.split(separator: #/\n\d+\s?\. /#, omittingEmptySubsequences: false)
        .map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        .filter { !$0.isEmpty }
}

/// Alpaca's parse (spec §2.4): the items of a completion that split into exactly 7 parts with the expected number.
func alpacaItems(_ text: String, finishReason: String, first: Int = 4) -> [(instruction: String, input: String, output: String)] {
    var pieces = ("\(first). Instruction:" + text).split(separator: "###", omittingEmptySubsequences: false).map(String.init)
    if finishReason == "length" { pieces.removeLast() }
    var items: [(String, String, String)] = []
    for (offset, piece) in pieces.enumerated() {
        let number = first + offset
        let pattern = try! Regex("\(number)\\.\\s+(Instruction|Input|Output):")
        var parts: [String] = []
        var rest = Substring(piece)
        while let match = rest.firstMatch(of: pattern) {
            parts.append(String(rest[..<match.range.lowerBound]))
            parts.append(String(rest[match.range]))
            rest = rest[match.range.upperBound...]
        }
        parts.append(String(rest))
        guard parts.count == 7 else { continue }
        let trim = { (s: String) in s.trimmingCharacters(in: .whitespacesAndNewlines) }
        let input = trim(parts[4]).lowercased() == "<noinput>" ? "" : trim(parts[4])
        items.append((trim(parts[2]), input, trim(parts[6])))
    }
    return items
}
