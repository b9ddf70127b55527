/// The file layouts training data is written in, for the trainers that read them.
public enum TrainingFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// One `{"instruction", "input", "output"}` object per line (HF `datasets`, Axolotl's `alpaca` type).
    case jsonl
    /// One JSON list of those objects per file (Stanford Alpaca's `alpaca_data.json`), one record per line inside.
    case alpacaJSON = "alpaca-json"
    /// `{"prompt", "completion"}` per line, rendered with the Self-Instruct reference's templates (spec §1.4).
    case selfInstruct = "self-instruct"
    /// `{"messages": [system?, user, assistant]}` per line (OpenAI fine-tuning).
    case openAIChat = "openai-chat"
    /// `{"conversations": [{"from": "human"}, {"from": "gpt"}], "system"?}` per line (ShareGPT, LLaMA-Factory).
    case shareGPT = "sharegpt"

    /// The formats in the order help texts and manifests list them.
    public static let all: [TrainingFormat] = allCases

    /// `json` for the list format, `jsonl` for the line formats.
    public var fileExtension: String { self == .alpacaJSON ? "json" : "jsonl" }

    /// Whether each file holds one JSON object per line (so lines count records).
    public var isLineFormat: Bool { self != .alpacaJSON }

    /// Whether every record becomes exactly one line or element; `self-instruct` drops repeated prompt/completion
    /// pairs, as the reference does.
    public var keepsEveryRecord: Bool { self != .selfInstruct }

    /// The formats named in `text`: a comma-separated list of format names, or `all`; repeats are dropped, the
    /// order of `all` kept. Throws the first unknown name with the accepted ones.
    public static func list(_ text: String) throws(TrainingFormatError) -> [TrainingFormat] {
        var chosen = Set<TrainingFormat>()
        for name in text.split(separator: ",", omittingEmptySubsequences: false).map({ PythonText.strip($0) }) {
            if name == "all" {
                chosen.formUnion(allCases)
            } else if let format = TrainingFormat(rawValue: name) {
                chosen.insert(format)
            } else {
                throw TrainingFormatError(name: name)
            }
        }
        return allCases.filter(chosen.contains)
    }
}
