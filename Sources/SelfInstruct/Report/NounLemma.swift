/// The singular of an English noun by rule plus a short list of exceptions ("tips" → "tip", "stories" → "story",
/// "children" → "child"); words that are not plurals come back unchanged.
enum NounLemma {
    static func singular(_ word: String) -> String {
        if let irregular = irregulars[word] { return irregular }
        if invariants.contains(word) || word.count <= 3 || !word.hasSuffix("s") { return word }
        for ending in ["ss", "us", "is", "ous", "'s"] where word.hasSuffix(ending) { return word }
        if word.hasSuffix("ics"), fields.contains(word) { return word }
        if word.hasSuffix("ies") {
            let stem = String(word.dropLast(1))
            return ieNouns.contains(stem) ? stem : String(word.dropLast(3)) + "y"
        }
        if word.hasSuffix("yses") { return String(word.dropLast(2)) + "is" }
        if word.hasSuffix("theses") { return String(word.dropLast(2)) + "is" }
        if word.hasSuffix("sses") || word.hasSuffix("shes") || word.hasSuffix("xes") { return String(word.dropLast(2)) }
        if word.hasSuffix("zzes") { return String(word.dropLast(3)) }
        if word.hasSuffix("ches") {
            let stem = String(word.dropLast(1))
            return cheNouns.contains(stem) ? stem : String(word.dropLast(2))
        }
        if word.hasSuffix("oes") {
            let stem = String(word.dropLast(1))
            return oeNouns.contains(stem) ? stem : String(word.dropLast(2))
        }
        if word.hasSuffix("uses") {
            let stem = String(word.dropLast(2))
            return usNouns.contains(stem) ? stem : String(word.dropLast(1))
        }
        return String(word.dropLast(1))
    }

    private static let irregulars: [String: String] = [
        "children": "child", "people": "person", "men": "man", "women": "woman", "mice": "mouse", "geese": "goose",
        "feet": "foot", "teeth": "tooth", "criteria": "criterion", "phenomena": "phenomenon", "bacteria": "bacterium",
        "curricula": "curriculum", "strata": "stratum", "fungi": "fungus", "cacti": "cactus", "stimuli": "stimulus",
        "radii": "radius", "nuclei": "nucleus", "syllabi": "syllabus", "alumni": "alumnus", "formulae": "formula",
        "larvae": "larva", "antennae": "antenna", "vertebrae": "vertebra", "leaves": "leaf", "lives": "life",
        "knives": "knife", "wives": "wife", "halves": "half", "shelves": "shelf", "wolves": "wolf", "selves": "self",
        "thieves": "thief", "loaves": "loaf", "calves": "calf", "elves": "elf", "scarves": "scarf", "hooves": "hoof",
        "dwarves": "dwarf", "crises": "crisis", "diagnoses": "diagnosis", "synopses": "synopsis", "prognoses": "prognosis",
        "emphases": "emphasis", "oases": "oasis", "axes": "axis", "indices": "index", "matrices": "matrix",
        "vertices": "vertex", "appendices": "appendix", "oxen": "ox", "dice": "die", "quizzes": "quiz", "lice": "louse",
    ]

    /// Words ending in "s" that are not plurals, or whose plural is the same word.
    private static let invariants: Set<String> = [
        "news", "series", "species", "means", "data", "clothes", "thanks", "headquarters", "scissors", "pants",
        "trousers", "jeans", "shorts", "glasses", "always", "perhaps", "whereas", "besides", "towards", "sometimes",
        "bias", "alias", "atlas", "canvas", "chaos", "ethos", "pathos", "cosmos", "kudos", "tennis", "lens", "diabetes",
        "measles", "billiards", "athletics", "aids", "covid-19", "sales", "savings", "earnings", "goods", "outskirts",
        "surroundings", "belongings", "premises", "riches", "mathematics", "physics", "economics", "politics",
        "ethics", "linguistics", "genetics", "electronics", "gymnastics", "aesthetics", "acoustics", "analytics",
        "logistics", "robotics", "semantics", "phonetics", "statistics", "dynamics", "mechanics", "thermodynamics",
        "aerobics", "ceramics", "christmas", "texas", "paris", "yes", "its", "this", "has", "was", "does", "is",
    ]

    /// Fields of study kept in their "-ics" form.
    private static let fields: Set<String> = [
        "mathematics", "physics", "economics", "politics", "ethics", "linguistics", "genetics", "electronics",
        "gymnastics", "aesthetics", "acoustics", "analytics", "logistics", "robotics", "semantics", "phonetics",
        "statistics", "dynamics", "mechanics", "thermodynamics", "aerobics", "athletics", "graphics", "pragmatics",
    ]

    /// Singulars ending in "ie" ("movies" → "movie", not "movy").
    private static let ieNouns: Set<String> = [
        "movie", "cookie", "calorie", "pie", "tie", "lie", "zombie", "brownie", "smoothie", "selfie", "rookie", "hippie",
        "goalie", "genie", "prairie", "freebie", "newbie", "hoodie", "foodie", "sortie", "auntie", "budgie", "veggie",
        "birdie", "collie", "specie", "die", "eerie", "boogie", "bootie", "indie", "techie", "yuppie",
    ]

    /// Singulars ending in "che" ("headaches" → "headache", not "headach").
    private static let cheNouns: Set<String> = [
        "headache", "niche", "cache", "avalanche", "moustache", "mustache", "ache", "cliche", "creche", "quiche",
        "psyche", "toothache", "stomachache", "backache", "earache", "heartache",
    ]

    /// Singulars ending in "oe" ("shoes" → "shoe", not "sho").
    private static let oeNouns: Set<String> = [
        "shoe", "toe", "canoe", "oboe", "foe", "hoe", "floe", "tiptoe", "horseshoe", "woe", "aloe", "throe",
    ]

    /// Singulars ending in "us" whose plural adds "es" ("viruses" → "virus", against "causes" → "cause").
    private static let usNouns: Set<String> = [
        "virus", "bus", "bonus", "status", "campus", "census", "corpus", "focus", "syllabus", "chorus", "circus",
        "cactus", "genus", "octopus", "surplus", "stimulus", "thesaurus", "apparatus", "prospectus", "lotus", "walrus",
        "consensus", "hiatus", "impetus", "nexus", "plus", "sinus", "fetus", "fungus", "onus", "opus", "minus",
        "bogus", "abacus", "platypus", "hippopotamus", "cirrus", "exodus", "prefix",
    ]
}
