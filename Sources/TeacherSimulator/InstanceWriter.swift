import SelfInstruct

// Inputs and outputs for one task, derived from its profile. Outputs are computed where that is cheap
// (sorting, sums, unit conversions) and templated prose otherwise.

enum InstanceWriter {
    /// An input for the task (without its field label), matching `label` when the task is classification.
    static func input(for profile: TaskProfile, label: String? = nil, using rng: inout SeededRandom) -> String {
        switch profile.fieldName {
        case "Code":
            return codeSnippet(language: language(in: profile.instruction), using: &rng)
        case "List":
            return numberList(for: profile, using: &rng)
        case "Number":
            return number(matching: label, using: &rng)
        case "Animal":
            let matching = WordBanks.animals.filter { $0.1.lowercased() == label?.lowercased() }
            return rng.choice(matching.isEmpty ? WordBanks.animals : matching).0
        case "Food":
            return rng.pick(WordBanks.foods)
        case "Question":
            return question(about: profile.topic, using: &rng)
        case "Paragraph", "Article", "Story", "Email", "Post", "Letter", "Essay", "Transcript", "Speech", "Excerpt", "Text":
            return document(about: profile.topic, using: &rng)
        default:
            let text = sentence(about: profile.topic, label: label, using: &rng)
            // A task that corrects mistakes needs mistakes to correct.
            return profile.family == .correct ? text.replacingFirst(" the ", with: " teh ").replacingFirst(" ", with: "  ") : text
        }
    }

    /// The answer to the task for `input` ("" when the task takes none).
    static func output(for profile: TaskProfile, input: String, using rng: inout SeededRandom) -> String {
        let topic = profile.topic
        switch profile.family {
        case .classification:
            return rng.choice(profile.labels)
        case .sort:
            let lower = profile.instruction.lowercased()
            let items = input.split(separator: ",").map { $0.trimmingWhitespace() }
            let numbers = items.compactMap { Double($0) }
            var sorted: [String]
            if numbers.count == items.count {
                sorted = zip(numbers, items).sorted { $0.0 < $1.0 }.map(\.1)
            } else {
                sorted = items.sorted { $0.lowercased() < $1.lowercased() }
            }
            if lower.contains("descending") || lower.contains("reverse") { sorted.reverse() }
            return sorted.joined(separator: ", ")
        case .calculate:
            let numbers = input.split(separator: ",").compactMap { Double($0.trimmingWhitespace()) }
            guard !numbers.isEmpty else { return "The total is 0." }
            let lower = profile.instruction.lowercased()
            if lower.contains("average") { return "The average is \(format(numbers.reduce(0, +) / Double(numbers.count)))." }
            if lower.contains("difference") { return "The difference is \(format(numbers.max()! - numbers.min()!))." }
            return "The total is \(format(numbers.reduce(0, +)))."
        case .convert:
            let numbers = input.split(separator: ",").compactMap { Double($0.trimmingWhitespace()) }
            let factor = conversionFactor(profile.instruction)
            return numbers.map { format(factor.scale * $0 + factor.offset) }.joined(separator: ", ")
        case .translate:
            let lower = profile.instruction.lowercased()
            let language = WordBanks.humanLanguages.first { lower.contains($0.lowercased()) } ?? "French"
            return "(\(language)) " + input.replacingFirst("The ", with: "La ").replacingFirst(" is ", with: " est ")
        case .summarize:
            let first = input.prefix { $0 != "." }
            return "In short, \(first.trimmingWhitespace().lowercasedFirst)."
        case .extract:
            let found = (WordBanks.people + WordBanks.places).filter { input.contains($0) }
            return found.isEmpty ? "None found." : found.joined(separator: ", ")
        case .title:
            return rng.pick(["\(topic.capitalizedFirst): What Everyone Should Know", "Rethinking \(topic.capitalizedFirst)", "A Fresh Look at \(topic.capitalizedFirst)", "Why \(topic.capitalizedFirst) Matters Now"])
        case .findBug:
            return rng.pick([
                "The loop stops one element early; the range must include the last index.",
                "The function never returns a value in the empty case; add an explicit return.",
                "The comparison uses the wrong operator, so equal values are skipped.",
            ])
        case .explainCode:
            return "The code defines a function that \(rng.pick(WordBanks.codeTasks)) and returns the result to the caller."
        case .questions:
            return (1...3).map { "\($0). " + question(about: topic, using: &rng) }.joined(separator: "\n")
        case .continueStory:
            return "Nobody expected what happened next. By evening, everyone in \(rng.pick(WordBanks.places)) was talking about \(topic)."
        case .argument:
            return "The main argument is that \(topic) matters because \(rng.pick(WordBanks.reasons)). The evidence offered is mostly anecdotal."
        case .rewrite:
            return "Put differently: " + input.lowercasedFirst
        case .correct:
            return input.replacingFirst("  ", with: " ").replacingFirst(" teh ", with: " the ").replacingFirst(" recieve", with: " receive")
        case .answerQuestion:
            return "\(topic.capitalizedFirst) matters because \(rng.pick(WordBanks.reasons)). \(rng.pick(WordBanks.advice))"
        case .code:
            return codeSnippet(language: language(in: profile.instruction), using: &rng)
        case .list:
            let count = min(5, max(2, WordBanks.counts.firstIndex { profile.instruction.lowercased().contains(" \($0) ") }.map { $0 + 2 } ?? 3))
            return (1...count).map { "\($0). " + rng.pick(WordBanks.advice) }.joined(separator: "\n")
        case .write:
            return "\(topic.capitalizedFirst) is more than it seems: \(rng.pick(WordBanks.reasons)). \(rng.pick(WordBanks.advice))"
        case .generic:
            return "\(topic.capitalizedFirst) is worth attention because \(rng.pick(WordBanks.reasons)). \(rng.pick(WordBanks.advice))"
        }
    }

    // MARK: Pieces

    static func sentence(about topic: String, label: String?, using rng: inout SeededRandom) -> String {
        let bank: [String]
        switch label?.lowercased() {
        case "positive"?: bank = WordBanks.positiveSentences
        case "negative"?: bank = WordBanks.negativeSentences
        case "english"?, "french"?, "spanish"?, "german"?, "italian"?, "portuguese"?, "dutch"?:
            return foreignSentence(label!.lowercased(), using: &rng)
        default: bank = WordBanks.neutralSentences
        }
        let template = rng.pick(bank)
        let sentence = template.replacingFirst("{t}", with: topic)
        // A random name or place makes inputs of the same task differ, as real generations do.
        return rng.chance(0.5) ? sentence : "\(rng.pick(WordBanks.people)) said: \(sentence)"
    }

    static func document(about topic: String, using rng: inout SeededRandom) -> String {
        let person = rng.pick(WordBanks.people), place = rng.pick(WordBanks.places)
        let opening = "\(person) from \(place) has spent years studying \(topic)."
        let middle = rng.chance(0.3) ? " " + rng.pick(WordBanks.neutralSentences).replacingFirst("{t}", with: topic) : ""
        return opening + middle + " \(person.split(separator: " ").first!) says it matters because \(rng.pick(WordBanks.reasons))."
    }

    static func question(about topic: String, using rng: inout SeededRandom) -> String {
        rng.pick([
            "What is the most common misconception about \(topic)?",
            "Why do people disagree about \(topic)?",
            "How has \(topic) changed over the last twenty years?",
            "Who benefits most from \(topic)?",
            "What is one simple way to learn about \(topic)?",
        ])
    }

    static func number(matching label: String?, using rng: inout SeededRandom) -> String {
        let primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97]
        switch label?.lowercased() {
        case "even"?: return String(2 * (1 + rng.uniform(below: 500)))
        case "odd"?: return String(2 * rng.uniform(below: 500) + 1)
        case "prime"?: return String(rng.choice(primes))
        case "composite"?: return String((2 + rng.uniform(below: 30)) * (2 + rng.uniform(below: 30)))
        case "negative"?: return "-" + String(1 + rng.uniform(below: 999))
        default: return String(1 + rng.uniform(below: 999))
        }
    }

    static func numberList(for profile: TaskProfile, using rng: inout SeededRandom) -> String {
        let count = 4 + rng.uniform(below: 4)
        let lower = profile.instruction.lowercased()
        if profile.family == .sort && (lower.contains("words") || lower.contains("names")) {
            let pool = lower.contains("city") ? WordBanks.places : ["apple", "river", "candle", "zebra", "maple", "orbit", "lantern", "quartz", "meadow", "bishop"]
            return rng.sample(pool, count: min(count, pool.count)).joined(separator: ", ")
        }
        return (0..<count).map { _ in String(1 + rng.uniform(below: 99)) }.joined(separator: ", ")
    }

    static func foreignSentence(_ language: String, using rng: inout SeededRandom) -> String {
        let bank: [String: [String]] = [
            "english": ["The market opens early on Saturday.", "My brother is learning to cook."],
            "french": ["Le marché ouvre tôt le samedi.", "Mon frère apprend à cuisiner."],
            "spanish": ["El mercado abre temprano el sábado.", "Mi hermano está aprendiendo a cocinar."],
            "german": ["Der Markt öffnet am Samstag früh.", "Mein Bruder lernt kochen."],
            "italian": ["Il mercato apre presto il sabato.", "Mio fratello sta imparando a cucinare."],
            "portuguese": ["O mercado abre cedo no sábado.", "Meu irmão está aprendendo a cozinhar."],
            "dutch": ["De markt gaat zaterdag vroeg open.", "Mijn broer leert koken."],
        ]
        return rng.pick(bank[language] ?? bank["english"]!)
    }

    static func language(in instruction: String) -> String {
        let lower = instruction.lowercased()
        return WordBanks.programmingLanguages.first { lower.contains($0.lowercased()) } ?? "Python"
    }

    static func codeSnippet(language: String, using rng: inout SeededRandom) -> String {
        let name = rng.pick(["total", "largest", "count_items", "average", "first_even"])
        switch language {
        case "Python":
            return "def \(name)(values):\n    result = 0\n    for i in range(len(values) - 1):\n        result += values[i]\n    return result"
        case "JavaScript", "TypeScript":
            return "function \(name)(values) {\n  let result = 0;\n  for (let i = 0; i < values.length - 1; i++) {\n    result += values[i];\n  }\n  return result;\n}"
        default:
            return "// \(language)\nint \(name)(int[] values) {\n  int result = 0;\n  for (int i = 0; i < values.length - 1; i++) result += values[i];\n  return result;\n}"
        }
    }

    static func conversionFactor(_ text: String) -> (scale: Double, offset: Double) {
        let instruction = text.lowercased()
        if instruction.contains("celsius to fahrenheit") { return (1.8, 32) }
        if instruction.contains("kilometers to miles") { return (0.621371, 0) }
        if instruction.contains("kilograms to pounds") { return (2.20462, 0) }
        if instruction.contains("inches to centimeters") { return (2.54, 0) }
        if instruction.contains("liters to gallons") { return (0.264172, 0) }
        if instruction.contains("hours to minutes") { return (60, 0) }
        return (1, 0)
    }

    /// Up to two decimals, without a trailing `.0`.
    static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(rounded)
    }
}
