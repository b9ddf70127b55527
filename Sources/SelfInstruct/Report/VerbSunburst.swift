/// The diversity sunburst of the Self-Instruct paper: the most common root verbs (inner ring) and, for each, its
/// most common direct objects (outer ring); questions are one inner segment of their own, split by question word.
public struct VerbSunburst: Sendable, Hashable, Codable {
    /// One inner segment and its outer ring.
    public struct Root: Sendable, Hashable, Codable {
        public var verb: String
        public var count: Int
        public var objects: [Leaf]
        /// Instructions of this root whose object is not among `objects` (or that have none).
        public var otherObjects: Int
    }

    /// One outer segment.
    public struct Leaf: Sendable, Hashable, Codable {
        public var noun: String
        public var count: Int
    }

    public var roots: [Root]
    /// Questions ("What…?", "How…"), by question word; nil when there are none.
    public var questions: Root?
    /// Instructions under verbs outside the top ones.
    public var otherVerbs: Int
    /// Instructions that are neither imperative nor questions.
    public var unclassified: Int
    public var total: Int
    /// The most common verb/object pairs overall.
    public var topPairs: [Pair]

    public struct Pair: Sendable, Hashable, Codable {
        public var verb: String
        public var noun: String
        public var count: Int
    }

    /// The chart of `forms`: `topVerbs` roots with `topObjects` objects each. Ties break alphabetically, so the same
    /// data gives the same chart.
    public init(forms: [InstructionForm], topVerbs: Int = 20, topObjects: Int = 4, topPairCount: Int = 10) {
        var verbs: [String: Int] = [:]
        var objects: [String: [String: Int]] = [:]
        var words: [String: Int] = [:]
        var pairs: [String: [String: Int]] = [:]
        var questionCount = 0
        unclassified = 0
        for form in forms {
            switch form {
            case .imperative(let verb, let object):
                verbs[verb, default: 0] += 1
                if let object {
                    objects[verb, default: [:]][object, default: 0] += 1
                    pairs[verb, default: [:]][object, default: 0] += 1
                }
            case .question(let word):
                questionCount += 1
                words[word, default: 0] += 1
            case .other:
                unclassified += 1
            }
        }
        func ranked(_ counts: [String: Int]) -> [(String, Int)] {
            counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        roots = ranked(verbs).prefix(topVerbs).map { verb, count in
            let leaves = ranked(objects[verb] ?? [:]).prefix(topObjects).map { Leaf(noun: $0.0, count: $0.1) }
            return Root(verb: verb, count: count, objects: leaves, otherObjects: count - leaves.reduce(0) { $0 + $1.count })
        }
        otherVerbs = verbs.values.reduce(0, +) - roots.reduce(0) { $0 + $1.count }
        if questionCount > 0 {
            let leaves = ranked(words).prefix(topObjects).map { Leaf(noun: $0.0, count: $0.1) }
            questions = Root(verb: "(questions)", count: questionCount, objects: leaves,
                             otherObjects: questionCount - leaves.reduce(0) { $0 + $1.count })
        }
        total = forms.count
        topPairs = pairs.flatMap { verb, nouns in nouns.map { Pair(verb: verb, noun: $0.key, count: $0.value) } }
            .sorted { $0.count != $1.count ? $0.count > $1.count : ($0.verb, $0.noun) < ($1.verb, $1.noun) }
            .prefix(topPairCount).map { $0 }
    }
}
