/// A task that depends on something outside the text: a web page behind a URL, an attached file, a picture,
/// video or chart "below". The model sees only the text, so the answer in the record was made up.
///
/// Text-only references stay ("the following sentence", "the given table" with the table in the input), and
/// so do tasks that handle a URL as text (extract its domain, write HTML that links to it).
enum UnseenReferenceRule {
    /// Things that cannot be pasted into a prompt as text.
    static let visualNouns: Set<String> = [
        "image", "images", "picture", "pictures", "photo", "photos", "photograph", "photographs", "pic", "pics",
        "painting", "paintings", "drawing", "drawings", "sketch", "sketches", "illustration", "illustrations",
        "video", "videos", "clip", "clips", "audio", "recording", "recordings", "screenshot", "screenshots",
        "chart", "charts", "graph", "graphs", "figure", "figures", "diagram", "diagrams", "map", "maps",
        "infographic", "infographics", "gif", "gifs", "artwork", "artworks", "scan", "scans", "footage",
    ]
    /// What a "below"/"above" reference may point at; a table is text, but with an empty input it is missing.
    static let deicticNouns: Set<String> = visualNouns.union(["table", "tables"])
    /// What can be attached.
    static let attachmentNouns: Set<String> = deicticNouns.union([
        "file", "files", "document", "documents", "pdf", "pdfs", "spreadsheet", "spreadsheets", "attachment",
        "attachments", "slide", "slides", "presentation", "presentations",
    ])
    /// What a placeholder input stands for ("<image>", "[Link to article]", "(link to a song)").
    static let placeholderNouns: Set<String> = attachmentNouns.union(["link", "url", "song", "logo", "photography"])
    static let attachedWords: Set<String> = ["attached", "enclosed", "uploaded"]
    static let determiners: Set<String> = ["the", "this", "these", "that"]
    static let demonstratives: Set<String> = ["this", "these", "that"]
    /// "the following image", "the given chart", "the above graph".
    static let pointingAdjectives: Set<String> = [
        "following", "given", "provided", "attached", "linked", "shown", "accompanying", "above", "below",
        "uploaded", "included", "enclosed", "displayed", "embedded",
    ]
    /// "the image below", "the chart provided".
    static let pointingAfter: Set<String> = ["below", "above", "provided", "shown", "attached", "here", "displayed"]
    /// Tasks that treat a URL as a string, not as a page to read.
    static let urlAsText: Set<String> = [
        "domain", "domains", "html", "regex", "code", "program", "programs", "script", "snippet", "hyperlink",
        "hyperlinks", "json", "http", "normalize", "normalise", "shorten", "append", "appending", "parse", "encode",
        "decode", "valid", "validate", "cite", "citation", "apa", "mla", "crawler", "scraper",
    ]

    static func applies(instruction: String, instructionWords: HygieneWords, input: String) -> Bool {
        if (containsURL(instruction) || containsURL(input)) && !instructionWords.containsAny(urlAsText) { return true }
        if attachedReference(instructionWords, needsDeterminer: true) { return true }
        let inputWords = HygieneWords(input)
        if attachedReference(inputWords, needsDeterminer: false) || attachedAfter(inputWords) { return true }
        if isPlaceholder(input, words: inputWords) { return true }
        // "Describe the painting below." with nothing below: the thing pointed at is missing. With an input
        // ("the following painting" + "The Starry Night") the input names it, and the task can be answered.
        return PythonText.strip(input).isEmpty && pointingReference(instructionWords)
    }

    /// "http://", "https://" anywhere, or "www." at the start of a word.
    static func containsURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        if lower.contains("http://") || lower.contains("https://") { return true }
        var previous: Character = " "
        var index = lower.startIndex
        while index < lower.endIndex {
            if !(previous.isLetter || previous.isNumber), lower[index...].hasPrefix("www.") { return true }
            previous = lower[index]
            index = lower.index(after: index)
        }
        return false
    }

    /// "the attached photo", "this enclosed file" (instruction); "Attached photo", "[attached image]" (input).
    /// The instruction needs the determiner: "write an email with an attached file" is a text task.
    static func attachedReference(_ text: HygieneWords, needsDeterminer: Bool) -> Bool {
        text.words.indices.contains { index in
            guard attachedWords.contains(text[index]) else { return false }
            if needsDeterminer, !determiners.contains(text[index - 1]) { return false }
            return attachmentNouns.contains(text[index + 1])
                || (text[index + 1] != HygieneWords.barrier && attachmentNouns.contains(text[index + 2]))
        }
    }

    /// "[Painting attached]", "<Photo Attached>", "Two documents are attached." (input only).
    static func attachedAfter(_ text: HygieneWords) -> Bool {
        text.words.indices.contains { index in
            guard attachmentNouns.contains(text[index]) else { return false }
            let next = ["is", "are"].contains(text[index + 1]) ? text[index + 2] : text[index + 1]
            return attachedWords.contains(next)
        }
    }

    /// An input that is one bracketed placeholder for a medium: "<image>", "[Image provided]",
    /// "<Link to article>", or one cut off before its closing bracket.
    static func isPlaceholder(_ input: String, words: HygieneWords) -> Bool {
        let scalars = Array(PythonText.strip(input).unicodeScalars)
        guard let first = scalars.first, NoInputMarkers.openers.contains(first), !scalars.contains("\n") else { return false }
        var body = scalars.dropFirst()
        if body.last == "." { body = body.dropLast() }
        let closesInside = body.dropLast().contains(where: NoInputMarkers.closers.contains)
        guard !closesInside else { return false }
        return words.containsAny(placeholderNouns)
    }

    /// "this painting", "the following photo", "the provided video", "the graph below".
    static func pointingReference(_ text: HygieneWords) -> Bool {
        text.words.indices.contains { index in
            let word = text[index]
            if demonstratives.contains(word), visualNouns.contains(text[index + 1]) { return true }
            if pointingAdjectives.contains(word), determiners.contains(text[index - 1]) {
                if deicticNouns.contains(text[index + 1]) { return true }
                if text[index + 1] != HygieneWords.barrier, deicticNouns.contains(text[index + 2]) { return true }
            }
            return deicticNouns.contains(word) && pointingAfter.contains(text[index + 1])
        }
    }
}
