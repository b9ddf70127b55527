import SelfInstruct

// The simulator's instruction grammar: verbs × objects × topics × constraints × phrasings, as questions and
// imperatives, with and without input. Whether a task is a classification task, what its labels are and
// whether it needs an input are read back from the text by `TaskProfile`, so later prompts (which only
// carry the text, possibly lower-cased by Self-Instruct's `capitalize()`) get consistent answers.

extension SeededRandom {
    mutating func pick(_ items: [String]) -> String { choice(items) }

    mutating func chance(_ probability: Double) -> Bool { unitDouble() < probability }
}

enum TaskGrammar {
    /// Share of classification tasks in ordinary (mixed) instruction lists.
    static let classificationShare = 0.22
    /// Share of tasks that need an input among non-classification tasks.
    static let inputShare = 0.45

    /// One new instruction. A small share is deliberately flawed so that the instruction filters have work.
    static func instruction(using rng: inout SeededRandom, classificationOnly: Bool) -> String {
        let roll = rng.unitDouble()
        if roll < 0.012 { return blacklisted(&rng) }
        if roll < 0.016 { return "Write a program that " + rng.pick(WordBanks.codeTasks) + "." }
        if roll < 0.024 { return rng.pick(tooShort) }
        if roll < 0.027 { return "\"" + rng.pick(WordBanks.topics).capitalizedFirst + "\" - " + withoutInput(&rng).lowercasedFirst }
        if classificationOnly || rng.chance(classificationShare) { return classification(&rng) + classificationTail(&rng) }
        return rng.chance(inputShare) ? withInput(&rng) : withoutInput(&rng)
    }

    /// A near copy of `example` (one of the prompt's own tasks), as real models often produce.
    static func nearDuplicate(of example: String, using rng: inout SeededRandom) -> String {
        let text = PythonText.normalizeWhitespace(example)
        switch rng.uniform(below: 4) {
        case 0:
            return "Please " + text.lowercasedFirst
        case 1:
            if text.contains("the given ") { return text.replacingFirst("the given ", with: "the following ") }
            if text.contains("the following ") { return text.replacingFirst("the following ", with: "the given ") }
            return text + " Explain briefly."
        case 2:
            return text.hasSuffix(".") ? String(text.dropLast()) + " in detail." : text + " Be specific."
        default:
            return text
        }
    }

    static let tooShort = ["Tell a joke.", "Define gravity.", "Name colors.", "Say hello.", "Count sheep.", "Explain tides."]

    static func blacklisted(_ rng: inout SeededRandom) -> String {
        rng.pick(WordBanks.blacklistedPhrases) + " " + rng.pick(WordBanks.topics) + "."
    }

    // MARK: Optional tails

    static func topic(_ rng: inout SeededRandom) -> String {
        let base = rng.pick(WordBanks.topics)
        return rng.chance(0.6) ? base + " " + rng.pick(WordBanks.qualifiers) : base
    }

    /// "about …" with a varied preposition: more variable tokens per task, fewer shared ones.
    static func about(_ rng: inout SeededRandom) -> String {
        rng.pick(WordBanks.aboutWords) + " " + topic(&rng)
    }

    /// Extra clauses for generation tasks: a constraint, an audience and/or a purpose.
    static func generationTail(_ rng: inout SeededRandom) -> String {
        var tail = ""
        if rng.chance(0.45) { tail += " " + rng.pick(WordBanks.constraints) }
        if rng.chance(0.3) { tail += " for " + rng.pick(WordBanks.audiences) }
        if rng.chance(0.35) { tail += " " + rng.pick(WordBanks.purposes) }
        return tail
    }

    /// Extra sentences for classification tasks: where the text comes from and how to answer.
    static func classificationTail(_ rng: inout SeededRandom) -> String {
        var tail = ""
        if rng.chance(0.45) { tail += " The text comes from " + rng.pick(WordBanks.sources) + "." }
        if rng.chance(0.55) { tail += " " + rng.pick(WordBanks.classificationTails) }
        return tail
    }

    static func optionalConstraint(_ rng: inout SeededRandom, _ probability: Double = 0.5) -> String {
        rng.chance(probability) ? generationTail(&rng) : ""
    }

    static func optionalAudience(_ rng: inout SeededRandom, _ probability: Double = 0.3) -> String {
        rng.chance(probability) ? " for " + rng.pick(WordBanks.audiences) : ""
    }

    static func opener(_ rng: inout SeededRandom, _ sentence: String) -> String {
        switch rng.uniform(below: 10) {
        case 0: return "Please " + sentence.lowercasedFirst
        case 1: return "I need you to " + sentence.lowercasedFirst
        case 2: return "Your task is to " + sentence.lowercasedFirst
        default: return sentence
        }
    }

    // MARK: Tasks without input

    static func withoutInput(_ rng: inout SeededRandom) -> String {
        switch rng.uniform(below: 15) {
        case 0, 1:
            return opener(&rng, "\(rng.pick(WordBanks.writeVerbs)) a \(rng.pick(WordBanks.forms)) \(about(&rng))\(generationTail(&rng)).")
        case 2:
            return opener(&rng, "\(rng.pick(WordBanks.listVerbs)) \(rng.pick(WordBanks.counts)) \(rng.pick(WordBanks.listThings)) \(topic(&rng))\(generationTail(&rng)).")
        case 3:
            return "What are the \(rng.pick(WordBanks.questionAdjectives)) \(rng.pick(WordBanks.questionNouns)) of \(topic(&rng))\(rng.chance(0.5) ? " for " + rng.pick(WordBanks.audiences) : "")?\(rng.chance(0.4) ? " Answer " + rng.pick(WordBanks.constraints) + "." : "")"
        case 4:
            return "How can \(rng.pick(WordBanks.audiences)) \(rng.pick(WordBanks.goals)) \(topic(&rng))?\(rng.chance(0.4) ? " Answer " + rng.pick(WordBanks.constraints) + "." : "")"
        case 5:
            return opener(&rng, "Explain \(topic(&rng)) to \(rng.pick(WordBanks.audiences))\(optionalConstraint(&rng, 0.6)).")
        case 6:
            let first = rng.pick(WordBanks.topics)
            var second = rng.pick(WordBanks.topics)
            if second == first { second = rng.pick(WordBanks.topics) }
            let aspect = rng.chance(0.5) ? " in terms of \(rng.pick(["cost", "impact on daily life", "history", "popularity", "environmental effects", "difficulty for beginners"]))" : ""
            return "Compare \(first) and \(second)\(aspect)."
        case 7:
            return opener(&rng, "\(rng.pick(["Create", "Design", "Put together", "Sketch out"])) a \(rng.pick(WordBanks.plans)) for \(rng.pick(WordBanks.audiences)) with an interest in \(topic(&rng))\(optionalConstraint(&rng, 0.5)).")
        case 8:
            let language = rng.pick(WordBanks.programmingLanguages)
            let task = rng.pick(WordBanks.codeTasks)
            switch rng.uniform(below: 3) {
            case 0: return "Write a \(language) function that \(task)."
            case 1: return "How would you write a \(language) function that \(task)?"
            default: return "Implement a function in \(language) that \(task)\(rng.chance(0.5) ? " and explain its time complexity" : "")."
            }
        case 9:
            return "\(rng.pick(WordBanks.listVerbs)) \(rng.pick(WordBanks.counts)) \(rng.chance(0.5) ? "creative " : "")\(rng.pick(WordBanks.creativeThings)) for a \(rng.pick(WordBanks.businesses)) \(about(&rng))\(optionalConstraint(&rng, 0.4))."
        case 10:
            return "Why is \(topic(&rng)) important for \(rng.pick(WordBanks.audiences))?\(rng.chance(0.5) ? " Answer " + rng.pick(WordBanks.constraints) + "." : "")"
        case 11:
            return "Describe \(rng.pick(WordBanks.roleTopics)) of working as \(rng.pick(WordBanks.roles)) \(rng.pick(WordBanks.qualifiers))\(optionalConstraint(&rng, 0.6))."
        case 12:
            return "Imagine you are \(rng.pick(WordBanks.roles)). \(rng.pick(["Explain", "Describe", "Write a short note about", "Tell a friend"])) how you would deal with \(topic(&rng))\(generationTail(&rng))."
        case 13:
            return "\(rng.pick(["Predict how", "Speculate on how", "Describe how"])) \(topic(&rng)) \(rng.pick(["will change", "might evolve", "could look different"])) over \(rng.pick(WordBanks.horizons))\(generationTail(&rng))."
        default:
            return "\(rng.pick(["Suggest", "Recommend", "Plan"])) \(rng.pick(WordBanks.counts)) \(rng.pick(WordBanks.activities)) \(about(&rng)) for \(rng.pick(WordBanks.audiences)) \(rng.pick(WordBanks.occasions))."
        }
    }

    // MARK: Tasks with input

    static func withInput(_ rng: inout SeededRandom) -> String {
        let the = rng.pick(WordBanks.determiners)
        switch rng.uniform(below: 16) {
        case 0, 1:
            return opener(&rng, "\(rng.pick(["Summarize", "Condense", "Give a brief summary of"])) \(the) \(rng.pick(WordBanks.documents)) \(about(&rng))\(optionalConstraint(&rng, 0.7)).")
        case 2:
            return opener(&rng, "\(rng.pick(["Rewrite", "Rephrase", "Revise"])) \(the) \(rng.pick(["sentence", "paragraph", "message", "email", "announcement", "note"])) \(about(&rng)) \(rng.pick(WordBanks.rewriteStyles))\(optionalConstraint(&rng, 0.4)).")
        case 3:
            return "Extract \(rng.pick(["all", "every one of"])) \(rng.pick(WordBanks.entities)) mentioned in \(the) \(rng.pick(WordBanks.documents)) \(about(&rng))\(rng.chance(0.4) ? " and return them as a comma-separated list" : "")."
        case 4:
            return "Translate \(the) \(rng.pick(["sentence", "phrase", "short paragraph", "question", "slogan", "sign"])) \(about(&rng)) into \(rng.pick(WordBanks.humanLanguages))\(optionalConstraint(&rng, 0.4))."
        case 5:
            // Short, fixed templates: real models repeat these too, so they collide often.
            switch rng.uniform(below: 3) {
            case 0:
                return "Sort \(the) list of \(rng.pick(WordBanks.sortables)) in \(rng.pick(WordBanks.orders)) order."
            case 1:
                let conversion = rng.choice(WordBanks.conversions)
                return "Convert \(the) \(conversion.0) from \(conversion.1) to \(conversion.2)."
            default:
                return "Calculate the \(rng.pick(WordBanks.aggregateTasks)) of \(the) \(rng.pick(["prices", "numbers", "monthly expenses", "test scores", "daily temperatures"]))."
            }
        case 6:
            return "Answer \(the) question \(about(&rng))\(optionalConstraint(&rng, 0.8))."
        case 7:
            return "Correct the \(rng.pick(WordBanks.mistakeKinds)) mistakes in \(the) \(rng.pick(WordBanks.documents)) \(about(&rng))\(rng.chance(0.4) ? " and explain each correction" : "")."
        case 8:
            return "Suggest a \(rng.pick(WordBanks.titleAdjectives)) title for \(the) \(rng.pick(WordBanks.documents)) \(about(&rng))\(optionalConstraint(&rng, 0.5))."
        case 9:
            if rng.chance(0.5) {
                return "Find the bug in \(the) \(rng.pick(WordBanks.programmingLanguages)) function that \(rng.pick(WordBanks.codeTasks))\(rng.chance(0.5) ? " and explain how to fix it" : "")."
            }
            return "Explain what \(the) \(rng.pick(WordBanks.programmingLanguages)) code does\(rng.chance(0.7) ? " to " + rng.pick(WordBanks.audiences) : "")\(rng.chance(0.5) ? " " + rng.pick(WordBanks.constraints) : "")."
        case 10:
            return "\(rng.pick(["Write a reply to", "Draft a response to", "Answer"])) \(the) \(rng.pick(["email", "message", "complaint", "invitation", "letter"])) \(about(&rng))\(generationTail(&rng))."
        case 11:
            return "\(rng.pick(["Turn", "Convert", "Transform"])) \(the) notes \(about(&rng)) into a \(rng.pick(WordBanks.forms))\(generationTail(&rng))."
        case 12:
            return "Based on \(the) \(rng.pick(WordBanks.documents)) \(about(&rng)), write \(rng.pick(WordBanks.counts)) questions that \(rng.pick(WordBanks.questionPurposes))."
        case 13:
            return "Continue \(the) story \(about(&rng)) with \(rng.pick(WordBanks.counts)) more sentences\(optionalConstraint(&rng, 0.4))."
        case 14:
            return "Read \(the) \(rng.pick(WordBanks.documents)) \(about(&rng)), identify its main argument and \(rng.pick(WordBanks.argumentTasks))\(optionalConstraint(&rng, 0.5))."
        default:
            return "\(rng.pick(["Describe", "Explain"])) the tone of \(the) \(rng.pick(WordBanks.documents)) \(about(&rng)) and point out the words that create it\(optionalConstraint(&rng, 0.5))."
        }
    }

    // MARK: Classification tasks (labels always named in the text)

    static func classification(_ rng: inout SeededRandom) -> String {
        let the = rng.pick(WordBanks.determiners)
        switch rng.uniform(below: 12) {
        case 0, 1:
            return "\(rng.pick(["Classify", "Determine", "Identify", "Judge"])) the sentiment of \(the) \(rng.pick(WordBanks.sentimentDocuments)) \(about(&rng)) as \(rng.pick(WordBanks.sentimentLabelSets))."
        case 2:
            let labels = rng.sample(WordBanks.categories, count: 3 + rng.uniform(below: 3))
            return "\(rng.pick(["Categorize", "Classify", "Sort"])) \(the) \(rng.pick(WordBanks.headlineDocuments)) from \(rng.pick(WordBanks.sources)) into one of these categories: \(listPhrase(labels))."
        case 3:
            return "\(rng.pick(["Determine whether", "Decide whether", "Check whether"])) \(the) \(rng.pick(["statement", "claim", "sentence", "fact"])) \(about(&rng)) is true or false."
        case 4:
            return "Is \(the) \(rng.pick(["sentence", "message", "comment", "reply"])) \(about(&rng)) \(rng.pick(WordBanks.sentenceProperties))? Answer yes or no."
        case 5:
            let judgement = rng.choice(WordBanks.binaryJudgements)
            return "\(rng.pick(["Decide whether", "Identify whether", "Tell me whether"])) \(the) \(judgement.1) \(about(&rng)) is \(judgement.0)."
        case 6:
            // Fixed templates with no topic slot: frequent near duplicates, as with real models.
            switch rng.uniform(below: 4) {
            case 0: return "\(rng.pick(["Identify whether", "Decide whether"])) \(the) number is \(rng.pick(WordBanks.numberProperties))."
            case 1: return "Classify \(the) animal as a \(WordBanks.animalClasses)."
            case 2: return "Detect the language of \(the) sentence and answer with \(rng.pick(WordBanks.detectedLanguages))."
            default: return "Classify \(the) food as \(rng.pick(WordBanks.foodClasses))."
            }
        case 7, 8:
            return "Classify \(the) \(rng.pick(WordBanks.documents)) \(about(&rng)) as \(rng.pick(WordBanks.documentJudgements))."
        case 9:
            return "Tell me whether \(the) \(rng.pick(WordBanks.sentimentDocuments)) \(about(&rng)) is \(rng.pick(WordBanks.documentJudgements))."
        case 10:
            return "Classify \(the) \(rng.pick(["customer message", "support ticket", "email", "request"])) \(about(&rng)) by urgency as \(rng.pick(WordBanks.urgencyLabels))."
        default:
            let labels = rng.sample(WordBanks.categories, count: 3 + rng.uniform(below: 2))
            return "Label \(the) \(rng.pick(WordBanks.sentimentDocuments)) from \(rng.pick(WordBanks.sources)) with its topic: \(listPhrase(labels))."
        }
    }

    /// `["a", "b", "c"]` → `"a, b, or c"`; two items → `"a or b"`.
    static func listPhrase(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        case 2: return items[0] + " or " + items[1]
        default: return items.dropLast().joined(separator: ", ") + ", or " + items[items.count - 1]
        }
    }
}

extension String {
    var lowercasedFirst: String {
        guard let first else { return self }
        // Keep acronyms and proper nouns ("C++", "I") as they are.
        if dropFirst().first?.isUppercase == true { return self }
        return first.lowercased() + dropFirst()
    }

    var capitalizedFirst: String {
        guard let first else { return self }
        return first.uppercased() + dropFirst()
    }

    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }
}
