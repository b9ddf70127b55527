/// Turns training records into the text of one file of one format, piece by piece, so files of any size are
/// written with the memory of one record (plus, for `self-instruct`, 16 bytes per distinct pair written).
public struct TrainingFileEncoder: Sendable {
    public let format: TrainingFormat
    /// The system prompt of the chat formats (`openai-chat`, `sharegpt`); nil or empty writes none.
    public let systemPrompt: String?
    /// The run seed the `self-instruct` draws derive from.
    public let seed: UInt64
    /// Records written so far, in every file (a repeated `self-instruct` pair is not written).
    public private(set) var records = 0
    /// Records written to the current file.
    public private(set) var fileRecords = 0
    /// Records given but not written because their prompt/completion pair was already written.
    public private(set) var repeatedPairs = 0
    /// 128 bits of the SHA-256 of each pair written: 16 bytes a pair, inline in the set.
    private var writtenPairs = Set<SIMD2<UInt64>>()

    public init(format: TrainingFormat, systemPrompt: String? = nil, seed: UInt64 = 0) {
        self.format = format
        self.systemPrompt = systemPrompt.flatMap { $0.isEmpty ? nil : $0 }
        self.seed = seed
    }

    /// Starts a file and returns what goes before its first record. One encoder writes every file of a run in a
    /// format, so a `self-instruct` pair is written once in the whole run, as the reference writes it once.
    public mutating func beginFile() -> String {
        fileRecords = 0
        return format == .alpacaJSON ? "[" : ""
    }

    /// The text of `record`, separators included; empty when `self-instruct` already wrote the same pair.
    public mutating func encode(_ record: TrainingRecord) -> String {
        var out = ""
        switch format {
        case .jsonl:
            out = Self.alpacaObject(record) + "\n"
        case .alpacaJSON:
            out = (fileRecords == 0 ? "\n    " : ",\n    ") + Self.alpacaObject(record)
        case .selfInstruct:
            let pair = SelfInstructTemplates.render(record, seed: seed)
            // The reference keeps the first of identical pairs; 128 bits of SHA-256 tell pairs apart.
            var hasher = SHA256()
            hasher.update(pair.prompt)
            hasher.update([0])
            hasher.update(pair.completion)
            let digest = hasher.finalize()
            let key = SIMD2(digest[0..<8].reduce(0) { $0 << 8 | UInt64($1) }, digest[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
            guard writtenPairs.insert(key).inserted else {
                repeatedPairs += 1
                return ""
            }
            out = "{\"prompt\": " + JSONWriter.quoted(pair.prompt) + ", \"completion\": " + JSONWriter.quoted(pair.completion) + "}\n"
        case .openAIChat:
            out = "{\"messages\": ["
            if let systemPrompt { out += "{\"role\": \"system\", \"content\": " + JSONWriter.quoted(systemPrompt) + "}, " }
            out += "{\"role\": \"user\", \"content\": " + JSONWriter.quoted(Self.userTurn(record))
                + "}, {\"role\": \"assistant\", \"content\": " + JSONWriter.quoted(record.output) + "}]}\n"
        case .shareGPT:
            out = "{\"conversations\": [{\"from\": \"human\", \"value\": " + JSONWriter.quoted(Self.userTurn(record))
                + "}, {\"from\": \"gpt\", \"value\": " + JSONWriter.quoted(record.output) + "}]"
            if let systemPrompt { out += ", \"system\": " + JSONWriter.quoted(systemPrompt) }
            out += "}\n"
        }
        records += 1
        fileRecords += 1
        return out
    }

    /// What goes after the last record of the current file.
    public var footer: String {
        guard format == .alpacaJSON else { return "" }
        return fileRecords == 0 ? "]\n" : "\n]\n"
    }

    /// `{"instruction": …, "input": …, "output": …}` with that key order, on one line.
    public static func alpacaObject(_ record: TrainingRecord) -> String {
        "{\"instruction\": " + JSONWriter.quoted(record.instruction) + ", \"input\": " + JSONWriter.quoted(record.input)
            + ", \"output\": " + JSONWriter.quoted(record.output) + "}"
    }

    /// The user's turn of the chat formats: the instruction, then a blank line and the input when there is one
    /// (Alpaca's own prompt puts the input after the instruction the same way).
    public static func userTurn(_ record: TrainingRecord) -> String {
        record.input.isEmpty ? record.instruction : record.instruction + "\n\n" + record.input
    }
}
