/// One sentence of an instruction as `VerbObjectExtractor` reads it; positions index `tokens`.
struct SentenceReading {
    typealias Lexicon = InstructionLexicon
    let tokens: [InstructionToken]

    init(_ tokens: [InstructionToken]) { self.tokens = tokens }

    func word(_ index: Int) -> String? { index >= 0 && index < tokens.count ? tokens[index].word : nil }

    /// The sentence's form, or nil when it is neither an imperative nor a question (context, a statement).
    func form() -> InstructionForm? {
        var start = skipOpeners(0)
        // "Question: …", "Task 2: …": a label of one or two words that is not itself the verb.
        for length in 1...2 where start + length < tokens.count && tokens[start + length] == .colon {
            if let first = word(start), (start..<start + length).allSatisfy({ tokens[$0].word != nil }),
                verb(first) == nil || length == 2
            {
                start = skipOpeners(start + length + 1)
                break
            }
        }
        if let form = clause(at: start) { return form }
        // A leading phrase ("Given …,", "In this task,", "To make the pairs …,"): try what follows each comma.
        var index = start
        while index < tokens.count {
            if tokens[index] == .comma, let form = clause(at: index + 1) { return form }
            index += 1
        }
        // "You are given a list and you need to sort it": a framing after "and" later in the sentence (a framing
        // elsewhere, as in "Suppose you need to write a program.", is context).
        for position in start..<tokens.count where word(position) == "and" || word(position - 1) == "and" {
            for framing in Lexicon.framings where framing.count > 1 && matches(framing, at: position) {
                if let form = clause(at: position), form != .other { return form }
            }
        }
        // "Given the facts below make an inference", "In the following paragraph identify …": no comma closes the
        // opening phrase, so the first known verb (not after "to" or a determiner) or wh-word after it starts.
        if let opener = word(start), Lexicon.contextOpeners.contains(opener) {
            for position in (start + 2)..<max(start + 2, tokens.count) {
                if Lexicon.framings.contains(where: { $0.count > 1 && matches($0, at: position) }) {
                    return clause(at: position)  // "In this task you are required to generate …"
                }
                guard let candidate = word(position), let previous = word(position - 1) else { continue }
                // "to sort" is an infinitive, "a list" and "of numbers" nouns.
                if ["to", "of", "a", "an", "the", "this", "these", "those", "my", "your", "its", "their", "our", "some",
                    "any", "each", "every"].contains(previous)
                {
                    continue
                }
                if Lexicon.whWords.contains(candidate) { return .question(word: candidate) }
                if let lemma = verb(candidate), !isNounUse(at: position, lemma: lemma) {
                    return .imperative(verb: lemma, object: object(after: position, verb: lemma))
                }
            }
        }
        return nil
    }

    private func skipOpeners(_ from: Int) -> Int {
        var index = from
        while index < tokens.count {
            switch tokens[index] {
            case .comma, .quote, .open, .close, .dash, .colon:
                index += 1
            case .word(let text) where Lexicon.fillers.contains(text) || isNumber(text):
                index += 1
            case .word(let text) where isAdverb(text) && word(index + 1).flatMap({ verb($0) }) != nil:
                index += 1  // "Briefly explain …", "Automatically generate …"
            default:
                return index
            }
        }
        return index
    }

    private func clause(at from: Int) -> InstructionForm? {
        var index = skipOpeners(from)
        for framing in Lexicon.framings where matches(framing, at: index) {
            index = skipOpeners(index + framing.count)
            break
        }
        guard let head = word(index) else { return nil }
        if Lexicon.requestModals.contains(head), let subject = word(index + 1), subject == "you" || subject == "u" {
            var next = index + 2
            while let filler = word(next), ["please", "kindly", "just", "possibly", "also"].contains(filler) { next += 1 }
            if let lemma = word(next).flatMap({ verb($0) }) { return .imperative(verb: lemma, object: object(after: next, verb: lemma)) }
            return .question(word: head)
        }
        // "In which year …?", "For what reason …?"
        if ["in", "for", "on", "at", "from", "to", "by", "with", "of"].contains(head), let wh = word(index + 1),
            Lexicon.whWords.contains(wh)
        {
            return .question(word: wh)
        }
        if Lexicon.questionWords.contains(head) {
            let isImperative = (head == "do" || head == "have") && !(word(index + 1).map(Self.isSubject) ?? true)
            if !isImperative { return .question(word: head) }
        }
        let stripped = head.hasSuffix("'s") ? String(head.dropLast(2)) : head
        if Lexicon.whWords.contains(stripped) { return .question(word: stripped) }
        if let lemma = verb(head, guessing: true), !isNounUse(at: index, lemma: lemma) {
            return .imperative(verb: lemma, object: object(after: index, verb: lemma))
        }
        return nil
    }

    private func matches(_ sequence: [String], at index: Int) -> Bool {
        guard index + sequence.count <= tokens.count else { return false }
        return sequence.indices.allSatisfy { tokens[index + $0].word == sequence[$0] }
    }

    private static func isSubject(_ word: String) -> Bool {
        ["you", "i", "we", "they", "he", "she", "it", "u", "people", "any", "all", "most", "many", "some"].contains(word)
    }

    /// "List of animals", "Design is…", "Answer: …": the verb-shaped first word is a noun.
    private func isNounUse(at index: Int, lemma: String) -> Bool {
        guard index + 1 < tokens.count else { return false }
        if tokens[index + 1] == .colon { return true }
        guard let next = word(index + 1) else { return false }
        if next == "of", Lexicon.particles[lemma]?.contains(["of"]) == true { return false }
        return Lexicon.nounFollowers.contains(next)
    }

    // MARK: verbs

    /// The lemma of `word` when it is a known instruction verb. `guessing` also accepts an opening gerund, a typo one
    /// edit away from a verb, and an unknown word followed by a determiner ("Alliterate the phrase").
    private func verb(_ word: String, guessing: Bool = false) -> String? {
        if Lexicon.verbs.contains(word) { return word }
        if let lemma = Lexicon.verbSpellings[word] { return lemma }
        guard guessing, !isFunctionWord(word) else { return nil }
        if word.hasSuffix("ing"), word.count > 5 {
            let stem = String(word.dropLast(3))
            for candidate in [stem, stem + "e", String(stem.dropLast())] where Lexicon.verbs.contains(candidate) {
                return candidate
            }
        }
        guard word.count >= 5, isLowercaseASCII(word) else { return nil }
        let letters = Array(word.utf8)
        return Self.verbsByInitial[letters[0]]?.first { Self.isOneEditAway(letters, $0.letters) }?.verb
    }

    private func isLowercaseASCII(_ word: String) -> Bool {
        word.utf8.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
    }

    private func isFunctionWord(_ word: String) -> Bool {
        Lexicon.phraseEnders.contains(word) || Lexicon.determiners.contains(word) || Lexicon.pronouns.contains(word)
            || Lexicon.numberWords.contains(word) || Lexicon.questionWords.contains(word)
    }

    /// The verb list by first letter, as bytes, for the typo check (a typo is taken to spare the first letter).
    private static let verbsByInitial: [UInt8: [(verb: String, letters: [UInt8])]] = Dictionary(
        grouping: Lexicon.verbs.sorted().map { (verb: $0, letters: Array($0.utf8)) },
        by: { $0.letters[0] }
    )

    /// One insertion, deletion, substitution or swap of neighbours turns `a` into `b`.
    static func isOneEditAway(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        if a == b || abs(a.count - b.count) > 1 { return false }
        var prefix = 0
        while prefix < min(a.count, b.count), a[prefix] == b[prefix] { prefix += 1 }
        if a.count == b.count {
            if a[(prefix + 1)...] == b[(prefix + 1)...] { return true }
            return prefix + 1 < a.count && a[prefix] == b[prefix + 1] && a[prefix + 1] == b[prefix]
                && a[(prefix + 2)...] == b[(prefix + 2)...]
        }
        let (longer, shorter) = a.count > b.count ? (a, b) : (b, a)
        return longer[(prefix + 1)...] == shorter[prefix...]
    }

    // MARK: objects

    /// The head noun of the verb's direct object, or nil.
    private func object(after verbIndex: Int, verb lemma: String) -> String? {
        var index = verbIndex + 1
        // "Compare and contrast the …", "Read and summarize the …": the object belongs to the first verb too.
        while let joiner = word(index) ?? (index < tokens.count && tokens[index] == .comma ? "," : nil),
            ["and", "or", ","].contains(joiner), let next = word(index + 1), verb(next) != nil
        {
            index += 2
        }
        if let sequences = Lexicon.particles[lemma],
            let sequence = sequences.first(where: { matches($0, at: index) })
        {
            index += sequence.count
        } else if let particle = word(index), Lexicon.commonParticles.contains(particle) {
            index += 1
        }
        if matches(["to", "me"], at: index) || matches(["to", "us"], at: index) { index += 2 }
        while let adverb = word(index), isAdverb(adverb) { index += 1 }
        if word(index) == "in" {
            // "Explain in detail the …", "Describe in 100 words the …": the object follows the manner phrase.
            for end in (index + 1)..<min(index + 6, tokens.count) {
                guard let text = word(end) else { break }
                if Lexicon.mannerPhraseEnds.contains(text) {
                    index = end + 1
                    if word(index) == "or", let bound = word(index + 1), ["less", "fewer", "more"].contains(bound) { index += 2 }
                    break
                }
            }
        }
        if let pronoun = word(index), Lexicon.indirectObjects.contains(pronoun), startsNounPhrase(at: index + 1) {
            index += 1
        }
        return head(from: index)
    }

    /// Whether a noun phrase can start at `index` (so a pronoun before it is an indirect object).
    private func startsNounPhrase(at index: Int) -> Bool {
        guard let next = word(index) else { return index < tokens.count && tokens[index] == .quote }
        if Lexicon.clauseOpeners.contains(next) { return false }
        if Lexicon.determiners.contains(next) || isNumber(next) { return true }
        return !Lexicon.phraseEnders.contains(next)
    }

    private func isNumber(_ word: String) -> Bool {
        if let first = word.unicodeScalars.first, first.properties.numericType != nil { return true }
        return Lexicon.numberWords.contains(word)
    }

    /// Whether the word at `index` continues a compound noun (so a participle before it modifies it).
    private func continuesCompound(at index: Int) -> Bool {
        guard let next = word(index) else { return false }
        return !Lexicon.phraseEnders.contains(next) && !Lexicon.determiners.contains(next) && next != "and" && next != "or"
            && !isAdverb(next) && !next.hasSuffix("'s")
    }

    private func isAdverb(_ word: String) -> Bool {
        word.hasSuffix("ly") && word.count > 4 && !Lexicon.lyNouns.contains(word)
    }

    private func isParticiple(_ word: String) -> Bool {
        if Lexicon.participleLikeNouns.contains(word) { return false }
        return (word.hasSuffix("ing") && word.count > 5) || (word.hasSuffix("ed") && word.count > 4)
            || ["used", "made", "done", "taken", "written", "shown", "told", "found", "known", "seen", "said"].contains(word)
    }

    private func head(from start: Int) -> String? {
        var index = start
        guard index < tokens.count else { return nil }
        if let first = word(index) {
            if Lexicon.clauseOpeners.contains(first) { return nil }
            // "Verify that the statement …": "that" before a determiner or pronoun opens a clause.
            if first == "that", let next = word(index + 1),
                Lexicon.determiners.contains(next) || Lexicon.pronouns.contains(next)
            {
                return nil
            }
        }
        var last: String?
        var length = 0
        while index < tokens.count {
            switch tokens[index] {
            case .quote where last == nil, .open where last == nil:
                // A quoted or bracketed word before the noun ("the "TODO" comment"): passed over.
                let closing: InstructionToken = tokens[index] == .open ? .close : .quote
                index += 1
                while index < tokens.count, tokens[index] != closing { index += 1 }
                index += 1
                continue
            case .word(let text):
                if last == nil {
                    if ["at", "up", "no", "more", "less", "fewer"].contains(text),
                        let next = word(index + 1), ["least", "most", "to", "than"].contains(next)
                    {
                        index += 2  // "at least four reasons", "up to ten words", "no more than five"
                        if word(index) == "than" { index += 1 }
                        continue
                    }
                    if (Lexicon.determiners.contains(text) || isNumber(text)) && word(index + 1) == "of" {
                        index += 2  // "one of the …", "three of the …"
                        continue
                    }
                    if isNumber(text) && continuesCompound(at: index + 1) {
                        index += 1  // "one benefit", "two tools"
                        continue
                    }
                    if text == "us" && continuesCompound(at: index + 1) {
                        last = text  // "the US states": the country, lower-cased
                        length = 1
                        index += 1
                        continue
                    }
                    if ["this", "that", "these", "those"].contains(text) {
                        if !continuesCompound(at: index + 1) { return nil }
                    } else if Lexicon.pronouns.contains(text) && !Lexicon.determiners.contains(text) {
                        return nil
                    } else if Lexicon.quantifierNouns.contains(text), word(index + 1) == "of",
                        text != "number" || (index > 0 && word(index - 1) == "a")
                    {
                        index += 2
                        continue
                    } else if text == "number", word(index - 1) == "a", word(index + 1) == "of" {
                        index += 2
                        continue
                    } else if Lexicon.determiners.contains(text) || isNumber(text) || text.hasSuffix("'s")
                        || isAdverb(text)
                    {
                        index += 1
                        continue
                    } else if Lexicon.phraseEnders.contains(text) || Lexicon.clauseOpeners.contains(text) || text == "and"
                        || text == "or"
                    {
                        return nil
                    }
                    last = text
                    length = 1
                } else {
                    if text == "and" || text == "or" {
                        // "the American and Chinese education systems" goes on; "the bias or stereotype" ends.
                        guard length == 1, let next = word(index + 1), verb(next) == nil,
                            !Lexicon.determiners.contains(next), countCompound(from: index + 1) >= 2
                        else { break }
                        index += 1
                        length = 0
                        continue
                    }
                    if Lexicon.phraseEnders.contains(text) || isAdverb(text) { break }
                    if text == "one" || text == "ones" {
                        last = text  // "the largest one": a pronoun head, so no object noun
                        break
                    }
                    if isNumber(text) || text.hasSuffix("'s") {
                        index += 1
                        continue
                    }
                    if isParticiple(text) && !continuesCompound(at: index + 1) { break }
                    last = text
                    length += 1
                }
                index += 1
                continue
            default:
                break
            }
            break
        }
        guard let last, !Lexicon.pronouns.contains(last) else { return nil }
        return NounLemma.singular(last)
    }

    /// How many words from `index` could belong to one compound noun.
    private func countCompound(from start: Int) -> Int {
        var index = start
        while let text = word(index), !Lexicon.phraseEnders.contains(text), text != "and", text != "or" { index += 1 }
        return index - start
    }
}
