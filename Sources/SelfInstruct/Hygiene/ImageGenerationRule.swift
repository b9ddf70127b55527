/// A task asking for a picture ("Draw a cat", "Design a logo for …", "Generate an illustration of …"): a text
/// model can only answer with a description or a refusal, and the record then teaches the wrong thing.
///
/// Kept: a picture as the topic ("Generate a caption for the image", "Write a story about a painting"), a
/// picture made of words ("Paint a picture with words", ASCII art), and idioms ("Draw a conclusion").
enum ImageGenerationRule {
    static let makingVerbs: Set<String> = [
        "draw", "paint", "sketch", "illustrate", "create", "generate", "design", "make", "produce", "render",
        "take", "craft",
    ]
    /// What is made: pictures only; "poster" and "logo" are always pictures, "diagram" only when drawn.
    static let pictureNouns: Set<String> = [
        "image", "images", "picture", "pictures", "drawing", "drawings", "logo", "logos", "illustration",
        "illustrations", "painting", "paintings", "sketch", "sketches", "photo", "photos", "photograph",
        "photographs", "artwork", "artworks", "icon", "icons", "cartoon", "cartoons", "portrait", "portraits",
        "graphic", "graphics", "poster", "posters", "clipart", "wallpaper", "infographic", "infographics",
        "collage", "mural", "doodle", "selfie",
    ]
    /// Drawn things that are pictures only when drawn or painted.
    static let drawnNouns: Set<String> = pictureNouns.union([
        "diagram", "diagrams", "graph", "graphs", "chart", "charts", "map", "maps", "plot", "flowchart",
    ])
    static let drawingVerbs: Set<String> = ["draw", "paint", "sketch", "illustrate"]
    /// Words between verb and noun that make the noun a topic: "generate a caption for an image".
    static let topicWords: Set<String> = [
        "of", "for", "about", "to", "that", "which", "describing", "on", "in", "with", "from", "explaining", "and",
        "or", "based", "using", "as", "by", "like", "into", "describe", "if", "whether", "caption", "description",
        "title", "story", "poem", "list", "name", "names", "text", "word", "words",
    ]
    /// Words after the noun that make it a modifier: "an image caption", "a photo album".
    static let modifiedBy: Set<String> = [
        "caption", "captions", "description", "descriptions", "prompt", "prompts", "title", "titles", "name",
        "names", "tag", "tags", "alt", "classifier", "classification", "recognition", "processing", "search",
        "dataset", "datasets", "editor", "editing", "filter", "filters", "album", "albums", "gallery", "shoot",
        "session", "essay", "contest", "competition", "challenge", "book", "studio", "app", "application",
        "slogan", "slogans", "tagline", "idea", "ideas", "concept", "concepts", "brief", "file", "format",
        "formats", "size", "resolution", "url", "link", "library", "compression", "analysis", "quality",
    ]
    /// Words anywhere that make the picture text: ASCII art, a picture in words, a mental image.
    static let textual: Set<String> = ["ascii", "mental", "verbal", "verbally", "svg", "emoji", "emojis"]
    /// Objects of "draw" that are idioms, not pictures; the barrier: "Draw." alone says nothing.
    static let drawIdioms: Set<String> = [
        "conclusion", "conclusions", "comparison", "comparisons", "parallel", "parallels", "analogy", "analogies",
        "inference", "inferences", "attention", "distinction", "distinctions", "connection", "connections",
        "lesson", "lessons", "insight", "insights", "up", "on", "upon", "out", "from", "",
    ]

    /// Words before "sketch" that make it writing: "a character sketch", "a biographical sketch".
    static let writtenSketch: Set<String> = ["character", "biographical", "comedy", "comedic", "personality", "historical", "written"]
    /// Words that, with "to" before the verb, make the picture the topic of a text: "Explain how to design a logo",
    /// "a GAN model to generate a portrait".
    static let aboutMaking: Set<String> = [
        "how", "steps", "step", "process", "algorithm", "program", "code", "model", "tips", "ways", "explain", "describe",
        "tutorial", "guide", "instructions", "outline",
    ]

    static func applies(_ instruction: HygieneWords) -> Bool {
        if instruction.containsAny(textual) || instruction.containsPair(["with", "in", "using", "through"], ["words"]) {
            return false
        }
        // "Draw a cat.": drawing or painting as the task itself, whatever is drawn.
        if ["draw", "paint"].contains(instruction[0]) {
            let object = ["a", "an", "the", "some"].contains(instruction[1]) ? instruction[2] : instruction[1]
            if !drawIdioms.contains(object) { return true }
        }
        let explainsMaking = instruction.containsAny(aboutMaking)
        return instruction.words.indices.contains { index in
            makingVerbs.contains(instruction[index]) && !(explainsMaking && instruction[index - 1] == "to")
                && pictureObject(instruction, verb: index)
        }
    }

    /// Whether a picture noun follows the verb at `verb` within four words, before any topic word or barrier.
    static func pictureObject(_ text: HygieneWords, verb: Int) -> Bool {
        let nouns = drawingVerbs.contains(text[verb]) ? drawnNouns : pictureNouns
        for index in (verb + 1)...(verb + 4) {
            let word = text[index]
            if word == HygieneWords.barrier || topicWords.contains(word) { return false }
            if nouns.contains(word) {
                if ["sketch", "sketches"].contains(word), writtenSketch.contains(text[index - 1]) { return false }
                return !modifiedBy.contains(text[index + 1])
            }
        }
        return false
    }
}
