// Reads what kind of task an instruction is from its text alone. The simulator's own grammar names the
// labels of every classification task, so the is-classification answer and the instances stay consistent
// with the task; human-written seeds are handled by the same cues with fallbacks. Chinese texts are read by
// `ChineseTaskCues` into the same fields (labels and field names then in Chinese).

struct TaskProfile: Sendable {
    enum Family: Sendable {
        case classification
        case sort, calculate, convert, translate, summarize, extract, title, findBug, explainCode, questions
        case continueStory, argument, rewrite, correct, answerQuestion, code, list, write, generic
    }

    let instruction: String
    let isClassification: Bool
    let labels: [String]
    let needsInput: Bool
    /// The label written before an input, e.g. `Sentence` in `Sentence: …`.
    let fieldName: String
    let family: Family
    let topic: String

    static let classificationCues = [
        "classify", "categorize", "categorise", "determine whether", "decide whether", "decide if",
        "identify whether", "tell me whether", "tell me if", "answer yes or no", "true or false",
        "detect the language", "label the", "with its topic", "spam or not", "sentiment", "one of these categories",
    ]

    /// The profile of `instruction` read in `language`.
    init(instruction: String, language: PromptLanguage) {
        switch language {
        case .english: self.init(instruction: instruction)
        case .chinese: self = ChineseTaskCues.profile(of: instruction)
        }
    }

    init(instruction: String, isClassification: Bool, labels: [String], needsInput: Bool, fieldName: String, family: Family, topic: String) {
        self.instruction = instruction
        self.isClassification = isClassification
        self.labels = labels
        self.needsInput = needsInput
        self.fieldName = fieldName
        self.family = family
        self.topic = topic
    }

    init(instruction: String) {
        self.instruction = instruction
        let lower = instruction.lowercased()
        let words = Set(lower.split { !($0.isLetter || $0.isNumber) }.map(String.init))

        let classification = Self.classificationCues.contains { lower.contains($0) }
            || lower.hasPrefix("is the following") || lower.hasPrefix("is the given") || lower.hasPrefix("is this")
        isClassification = classification
        labels = classification ? Self.labels(in: lower) : []
        needsInput = classification || !words.isDisjoint(with: ["following", "given", "below", "this", "these", "provided", "attached", "input"])
        fieldName = Self.fieldName(lower: lower, words: words)
        topic = Self.topic(in: instruction, lower: lower)
        family = classification ? .classification : Self.family(lower: lower, words: words)
    }

    private static func family(lower: String, words: Set<String>) -> Family {
        if words.contains("sort") { return .sort }
        if words.contains("calculate") { return .calculate }
        if words.contains("convert") { return .convert }
        if words.contains("translate") { return .translate }
        if lower.contains("summar") || words.contains("condense") { return .summarize }
        if words.contains("extract") { return .extract }
        if words.contains("title") { return .title }
        if words.contains("bug") { return .findBug }
        if lower.contains("code does") { return .explainCode }
        if lower.contains("questions that") { return .questions }
        if words.contains("continue") { return .continueStory }
        if lower.contains("main argument") { return .argument }
        if words.contains("rewrite") { return .rewrite }
        if lower.hasPrefix("correct") { return .correct }
        if lower.hasPrefix("answer") { return .answerQuestion }
        if words.contains("function") || words.contains("program") { return .code }
        if !words.isDisjoint(with: ["list", "name", "suggest", "brainstorm", "recommend", "provide"]),
           !words.isDisjoint(with: WordBanks.counts) {
            return .list
        }
        if !words.isDisjoint(with: ["write", "compose", "draft", "create", "produce"]) { return .write }
        return .generic
    }

    /// Labels named in a classification instruction (`… as a, b, or c`), capitalised; Yes/No otherwise.
    static func labels(in lower: String) -> [String] {
        if lower.contains("yes or no") { return ["Yes", "No"] }
        if lower.contains("true or false") { return ["True", "False"] }
        var text = Substring(lower)
        while let last = text.last, last == "." || last == "?" || last == "!" || last == " " { text = text.dropLast() }
        guard let orRange = text.ranges(of: " or ").last else {
            return lower.contains("sentiment") ? ["Positive", "Negative"] : ["Yes", "No"]
        }
        let right = text[orRange.upperBound...]
        let left = text[..<orRange.lowerBound]
        let markers = [" as a ", " as an ", " as ", " into ", ": ", " is ", " with ", " be ", " either "]
        var start = left.startIndex
        var bestEnd: String.Index? = nil
        for marker in markers {
            if let range = left.ranges(of: marker).last, bestEnd.map({ range.upperBound > $0 }) ?? true {
                bestEnd = range.upperBound
            }
        }
        if let bestEnd { start = bestEnd }
        var items = left[start...].split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        items.append(right.trimmingWhitespace())
        let valid = items.count >= 2 && items.count <= 8 && items.allSatisfy { !$0.isEmpty && $0.split(separator: " ").count <= 4 }
        guard valid else { return lower.contains("sentiment") ? ["Positive", "Negative"] : ["Yes", "No"] }
        return items.map(\.capitalizedFirst)
    }

    private static let fieldCues: [(String, String)] = [
        ("function", "Code"), ("code", "Code"), ("email", "Email"), ("tweet", "Tweet"), ("headline", "Headline"),
        ("review", "Review"), ("article", "Article"), ("story", "Story"), ("paragraph", "Paragraph"),
        ("essay", "Essay"), ("letter", "Letter"), ("post", "Post"), ("transcript", "Transcript"),
        ("speech", "Speech"), ("question", "Question"), ("list", "List"), ("number", "Number"),
        ("animal", "Animal"), ("food", "Food"), ("statement", "Statement"), ("claim", "Claim"),
        ("message", "Message"), ("reply", "Reply"), ("answer", "Answer"), ("result", "Result"),
        ("instruction", "Instruction"), ("sentence", "Sentence"), ("phrase", "Phrase"), ("ticket", "Ticket"),
        ("comment", "Comment"), ("excerpt", "Excerpt"), ("text", "Text"), ("prices", "List"), ("numbers", "List"),
        ("expenses", "List"), ("scores", "List"), ("temperatures", "List"), ("distances", "List"), ("weights", "List"),
        ("lengths", "List"), ("volumes", "List"), ("durations", "List"),
    ]

    private static func fieldName(lower: String, words: Set<String>) -> String {
        // The document being processed follows "the following" / "the given"; look there first.
        for marker in ["the following ", "the given ", "this ", "the provided ", "the attached "] {
            if let range = lower.firstRange(of: marker) {
                let after = lower[range.upperBound...].split { !($0.isLetter) }.prefix(3).map(String.init)
                for word in after {
                    if let cue = fieldCues.first(where: { $0.0 == word }) { return cue.1 }
                }
            }
        }
        for (cue, field) in fieldCues where words.contains(cue) { return field }
        return "Input"
    }

    private static func topic(in instruction: String, lower: String) -> String {
        for candidate in WordBanks.topics where lower.contains(candidate.lowercased()) {
            return candidate
        }
        if let range = instruction.firstRange(of: " about ") {
            let tail = instruction[range.upperBound...].prefix { $0 != "." && $0 != "," && $0 != "?" && $0 != ":" }
            let words = tail.split(separator: " ").prefix(4)
            if !words.isEmpty { return words.joined(separator: " ") }
        }
        return "this subject"
    }
}
