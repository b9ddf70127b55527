/// The word lists `VerbObjectExtractor` decides with: imperative verbs of instructions, question openers and the
/// function words that bound a noun phrase. Hand-made and deliberately small; every entry is lower case.
enum InstructionLexicon {
    /// Base forms of verbs that open instructions. Words that are more often nouns at the start of a noun-phrase
    /// "instruction" ("question", "word", "title") are left out; "list", "name", "plan", "design" and the like stay,
    /// since `VerbObjectExtractor` tells their noun use by the word after them.
    static let verbs: Set<String> = [
        "accept", "access", "account", "act", "adapt", "add", "address", "adjust", "advertise", "advise", "aggregate",
        "align", "alphabetize", "alter", "analyze", "annotate", "announce", "answer", "apologize", "append", "apply",
        "appraise", "approximate", "argue", "arrange", "articulate", "ask", "assemble", "assess", "assign", "assist",
        "associate", "assume", "attach", "audit", "autocomplete", "automate", "bake", "balance", "book", "brainstorm",
        "break", "brief", "bring", "build", "buy", "calculate", "call", "cancel", "capitalize", "caption", "categorize",
        "change", "characterize", "chart", "check", "choose", "circle", "cite", "clarify", "classify", "clean", "close",
        "code", "collect", "color", "combine", "come", "comment", "communicate", "compare", "compile", "complete",
        "compose", "compress", "compute", "concatenate", "conclude", "condense", "conduct", "configure", "congratulate",
        "conjugate", "connect", "consider", "consolidate", "construct", "continue", "contrast", "convert", "convey",
        "convince", "cook", "copy", "correct", "count", "craft", "create", "criticize", "critique", "cross", "curate",
        "customize", "cut", "debate", "debug", "decide", "decipher", "declare", "decode", "decompose", "decrypt",
        "deduce", "define", "delete", "demonstrate", "derive", "describe", "design", "designate", "detail", "detect",
        "determine", "develop", "devise", "diagnose", "diagram", "differentiate", "discover", "discuss", "display",
        "distinguish", "divide", "do", "document", "draft", "draw", "duplicate", "edit", "educate", "elaborate",
        "eliminate", "email", "embed", "emphasize", "employ", "encode", "encourage", "encrypt", "enhance", "enter",
        "entitle", "enumerate", "establish", "estimate", "evaluate", "examine", "execute", "expand", "explain",
        "explicate", "explore", "express", "extend", "extract", "extrapolate", "fetch", "figure", "fill", "filter",
        "find", "finish", "fit", "fix", "flag", "flip", "focus", "follow", "forecast", "form", "format", "formulate",
        "gather", "generate", "get", "give", "go", "grade", "graph", "greet", "group", "guess", "guide", "help",
        "highlight", "hypothesize", "identify", "illustrate", "imagine", "implement", "improve", "include",
        "incorporate", "increase", "indicate", "infer", "inform", "input", "insert", "inspect", "interpret",
        "interview", "introduce", "invent", "investigate", "invite", "invoke", "itemize", "join", "judge", "justify",
        "keep", "label", "launch", "lead", "learn", "lengthen", "link", "list", "localize", "locate", "look", "make",
        "manage", "manipulate", "map", "mark", "match", "measure", "memorize", "mention", "merge", "mix", "modify",
        "move", "multiply", "name", "narrate", "negate", "normalize", "note", "notice", "obtain", "offer", "omit",
        "open", "operate", "optimize", "order", "organize", "outline", "output", "pair", "paraphrase", "parse",
        "participate", "partition", "paste", "perform", "personalize", "persuade", "pick", "pitch", "place", "plan",
        "play", "plot", "point", "polish", "pose", "post", "practice", "predict", "preface", "prepare", "present",
        "pretend", "prioritize", "process", "produce", "program", "promote", "pronounce", "proofread", "propose",
        "prove", "provide", "publish", "punctuate", "put", "quantify", "query", "quote", "rank", "rate", "read",
        "rearrange", "reason", "recall", "recast", "recategorize", "recite", "recognize", "recommend", "reconstruct",
        "record", "recount", "recreate", "redact", "redesign", "reduce", "refactor", "refer", "refine", "reflect",
        "reformat", "reformulate", "reframe", "refute", "reimagine", "relabel", "relate", "remember", "remind",
        "remove", "rename", "render", "reorder", "reorganize", "repeat", "rephrase", "replace", "reply", "report",
        "represent", "request", "reread", "research", "reshape", "resolve", "respond", "restate", "restore",
        "restructure", "retell", "retrieve", "return", "reverse", "reverse-engineer", "review", "revise", "revisit",
        "reword", "rewrite", "role-play", "roleplay", "rotate", "round", "rule", "run", "save", "say", "scan",
        "schedule", "score", "scramble", "search", "select", "sell", "send", "separate", "serve", "set", "share",
        "shorten", "show", "simplify", "simulate", "sing", "sketch", "solve", "sort", "speak", "specify", "speculate",
        "spell", "spin", "split", "spot", "standardize", "start", "state", "structure", "study", "submit", "substitute",
        "subtract", "suggest", "sum", "summarize", "supply", "support", "suppress", "swap", "synthesize", "tabulate",
        "tag", "tailor", "take", "talk", "teach", "tell", "test", "think", "tokenize", "track", "train", "transcribe",
        "transfer", "transform", "translate", "transpose", "trim", "troubleshoot", "try", "tune", "turn", "tweet",
        "type", "underline", "unscramble", "update", "upload", "use", "utilize", "validate", "verify", "visit",
        "visualize", "walk", "weigh", "work", "write",
    ]

    /// British and variant spellings mapped to the lemma the verb list holds.
    static let verbSpellings: [String: String] = [
        "summarise": "summarize", "analyse": "analyze", "categorise": "categorize", "organise": "organize",
        "prioritise": "prioritize", "recognise": "recognize", "visualise": "visualize", "emphasise": "emphasize",
        "memorise": "memorize", "optimise": "optimize", "personalise": "personalize", "customise": "customize",
        "hypothesise": "hypothesize", "itemise": "itemize", "normalise": "normalize", "standardise": "standardize",
        "synthesise": "synthesize", "criticise": "criticize", "apologise": "apologize", "capitalise": "capitalize",
        "alphabetise": "alphabetize", "tokenise": "tokenize", "utilise": "utilize", "colour": "color",
        "re-write": "rewrite", "re-phrase": "rephrase", "re-word": "reword", "re-arrange": "rearrange",
        "re-order": "reorder", "re-state": "restate", "re-tell": "retell", "re-design": "redesign",
        "re-organize": "reorganize", "re-format": "reformat", "re-structure": "restructure", "re-imagine": "reimagine", "auto-complete": "autocomplete",
    ]

    /// Verbs with a particle or a fixed preposition that belongs to the verb: the object is the noun after it
    /// ("Come up with a slogan" → come / slogan). Longest sequence first.
    static let particles: [String: [[String]]] = [
        "come": [["up", "with"]],
        "reply": [["to"]], "respond": [["to"]], "react": [["to"]],
        "think": [["up"], ["of"], ["about"]],
        "look": [["up"], ["for"], ["at"], ["into"]],
        "search": [["for"]], "account": [["for"]], "check": [["for"]], "ask": [["for"]],
        "comment": [["on"]], "elaborate": [["on"]], "reflect": [["on"]], "focus": [["on"]], "expand": [["on"], ["upon"]],
        "fill": [["in"], ["out"]], "deal": [["with"]], "talk": [["about"]],
    ]

    /// Particles any verb may take before its object ("Find out", "Point out", "Make up", "Turn down").
    static let commonParticles: Set<String> = ["up", "out", "down", "off", "back", "away"]

    /// Words that open a question when they come first.
    static let questionWords: Set<String> = [
        "what", "how", "why", "when", "where", "which", "who", "whom", "whose", "is", "isn't", "are", "aren't", "was",
        "wasn't", "were", "weren't", "am", "do", "don't", "does", "doesn't", "did", "didn't", "can", "can't", "cannot",
        "could", "couldn't", "would", "wouldn't", "will", "won't", "should", "shouldn't", "shall", "may", "might",
        "has", "hasn't", "have", "haven't", "had", "hadn't",
    ]

    static let whWords: Set<String> = ["what", "how", "why", "when", "where", "which", "who", "whom", "whose"]

    /// "Can you …", "Would you …": a request, counted as the imperative of the verb that follows.
    static let requestModals: Set<String> = ["can", "could", "would", "will"]

    /// Openers skipped before the real start: politeness, discourse markers, list words.
    static let fillers: Set<String> = [
        "please", "kindly", "now", "so", "ok", "okay", "also", "then", "next", "finally", "first", "firstly", "second",
        "secondly", "lastly", "just", "hey", "hi", "hello", "and", "but", "well", "alright", "sure",
    ]

    /// Leading subjects that frame an imperative ("You need to write…" → write); matched as whole sequences, longest
    /// first ("you will have to" before "you will").
    static let framings: [[String]] = [
        ["you", "need", "to"], ["you", "have", "to"], ["you", "should"], ["you", "must"], ["you", "will", "need", "to"],
        ["you", "will"], ["you'll", "need", "to"], ["you'll"], ["you", "are", "asked", "to"], ["you", "are", "required", "to"],
        ["you", "are", "supposed", "to"], ["you", "are", "requested", "to"], ["you", "will", "have", "to"],
        ["you", "are", "to"], ["asked", "to"], ["and", "asked", "to"], ["your", "task", "is", "to"], ["your", "job", "is", "to"],
        ["the", "task", "is", "to"], ["i", "want", "you", "to"], ["i", "need", "you", "to"], ["i", "would", "like", "you", "to"],
        ["i'd", "like", "you", "to"], ["we", "need", "you", "to"], ["let's"], ["lets"], ["let", "us"],
    ].sorted { $0.count > $1.count }

    /// Words that start an opening phrase a comma does not always close ("Given the facts below make an inference").
    static let contextOpeners: Set<String> = [
        "given", "in", "for", "using", "with", "based", "from", "after", "suppose", "considering", "assuming", "if",
    ]

    /// Last words of a manner phrase between a verb and its object ("Explain in detail the …", "in 100 words").
    static let mannerPhraseEnds: Set<String> = [
        "detail", "brief", "short", "words", "word", "sentence", "sentences", "terms", "paragraph", "paragraphs",
        "depth", "general", "summary", "points", "lines", "order", "particular",
    ]

    /// Words after which a capitalised first word is a noun, not a verb ("List of animals", "Design is…").
    static let nounFollowers: Set<String> = [
        "of", "is", "are", "was", "were", "has", "have", "can", "could", "will", "would", "should", "must", "may",
        "might", "'s",
    ]

    /// Determiners, quantifiers and pre-noun modifiers skipped before the head of an object.
    static let determiners: Set<String> = [
        "a", "an", "the", "this", "that", "these", "those", "some", "any", "all", "each", "every", "both", "few", "several",
        "many", "much", "more", "most", "other", "another", "such", "no", "my", "your", "his", "her", "its", "our",
        "their", "following", "given", "above", "previous", "next", "last", "same", "certain", "various", "different",
        "additional", "further", "extra", "own", "first", "second", "third", "fourth", "fifth", "sixth", "seventh",
        "eighth", "ninth", "tenth", "top", "main", "specific", "provided", "listed", "mentioned", "attached", "below",
    ]

    /// Nouns that quantify ("a couple of ideas" → idea): skipped with their "of".
    static let quantifierNouns: Set<String> = [
        "couple", "lot", "lots", "variety", "range", "bunch", "handful", "plenty", "dozen", "dozens", "hundreds",
        "thousands", "millions", "majority", "few", "several", "all", "some", "each", "any", "both", "none", "most", "many",
    ]

    static let numberWords: Set<String> = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
        "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty",
        "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "billion", "dozen", "half",
    ]

    /// Pronouns: an object that is one of these has no noun ("Sort them", "Make up something").
    static let pronouns: Set<String> = [
        "it", "them", "this", "that", "these", "those", "something", "anything", "everything", "nothing", "someone",
        "somebody", "anyone", "anybody", "everyone", "everybody", "one", "ones", "me", "us", "him", "her", "you",
        "yourself", "itself", "themselves", "myself", "ourselves", "i", "we", "they", "he", "she", "others", "yours",
        "mine", "theirs", "ours", "what", "which", "who", "whatever", "whichever", "another", "each", "other",
        "some", "all", "both", "either", "neither", "none",
    ]

    /// Pronouns that may stand before a second object ("Give me a joke", "Tell us a story").
    static let indirectObjects: Set<String> = ["me", "us", "him", "her", "them", "you"]

    /// Words that start a clause in object position ("Tell me if…", "Describe what…", "Explain how…").
    static let clauseOpeners: Set<String> = [
        "if", "whether", "what", "how", "why", "when", "where", "which", "who", "whom", "whose", "whatever", "because",
    ]

    /// Words that end a noun phrase once its head has begun: prepositions, conjunctions, relatives, auxiliaries,
    /// pronouns, adverbs of place and time.
    static let phraseEnders: Set<String> = [
        "of", "for", "in", "on", "about", "with", "to", "from", "by", "at", "into", "onto", "between", "among", "amongst",
        "through", "during", "without", "within", "across", "against", "over", "under", "after", "before", "around",
        "towards", "toward", "via", "per", "like", "as", "than", "upon", "using", "including", "regarding", "concerning",
        "involving", "containing", "based", "given", "according", "depending", "along", "behind", "beyond", "inside",
        "outside", "near", "throughout", "until", "since", "while", "although", "though", "unless", "because", "except",
        "that", "which", "who", "whom", "whose", "where", "when", "why", "how", "what", "whether", "if", "but", "nor",
        "so", "yet", "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "do", "does", "did",
        "can", "could", "will", "would", "should", "shall", "may", "might", "must", "i", "you", "he", "she", "it", "we",
        "they", "me", "him", "us", "them", "below", "above", "here", "there", "now", "then", "again", "too", "also",
        "only", "just", "very", "not", "instead", "please", "respectively", "accordingly", "either", "each", "together",
        "etc", "e.g", "i.e", "vs", "versus", "up", "out", "down", "off", "away", "a", "an", "the", "this", "these", "those", "my", "your", "his", "her",
        "its", "our", "their", "some", "any", "all", "every", "no", "such", "both", "ever", "already", "first",
    ]

    /// Nouns ending in "-ly" (most such words are adverbs and end a phrase).
    static let lyNouns: Set<String> = [
        "family", "supply", "assembly", "butterfly", "reply", "anomaly", "monopoly", "rally", "belly", "jelly", "bully",
        "lily", "ally", "fly", "italy", "july", "homily", "folly", "melancholy", "ugly", "poly", "firefly", "dragonfly",
    ]

    /// Nouns ending in "-ing" or "-ed" (most such words are participles and end a phrase after a noun).
    static let participleLikeNouns: Set<String> = [
        "thing", "string", "spring", "morning", "evening", "building", "painting", "meeting", "wedding", "clothing",
        "setting", "feeling", "ending", "heading", "rating", "ranking", "listing", "pudding", "ceiling", "sibling",
        "something", "nothing", "everything", "anything", "king", "ring", "wing", "swing", "opening", "beginning",
        "training", "learning", "reasoning", "understanding", "marketing", "programming", "parsing", "tagging",
        "writing", "reading", "recording", "drawing", "offering", "warning", "greeting", "saying", "clustering",
        "sentence-ending", "seed", "speed", "need", "breed", "bed", "feed", "red", "hundred", "shed", "bread",
        "thread", "head", "steed", "creed", "greed", "weed", "reed", "deed", "bleed", "sled", "wed",
    ]
}
