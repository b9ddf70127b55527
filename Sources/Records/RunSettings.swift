// The settings of `runs.config` the stages read, with their defaults.

public import SelfInstruct

/// Settings from a run file that the stages read (`runs.config`); unknown keys are left for other readers.
public struct RunSettings: Sendable, Hashable {
    /// Share of instructions (not instances) that go to the validation split.
    public var validationFraction: Double = 0.05
    /// Most records per shard file.
    public var shardSize: Int = 10_000
    /// The formats the shards are written in (`formats`: a list of names, or one string such as "all" or
    /// "jsonl,sharegpt").
    public var formats: [TrainingFormat] = [.jsonl]
    /// The system prompt of the chat formats (`system_prompt`); nil writes none.
    public var systemPrompt: String?
    /// Whether the instance filter runs the hygiene pass (`RecordHygiene`) on kept instances (`hygiene`).
    public var hygiene: Bool = true
    /// The run's language (`language`: en, zh or unicode): its prompts, ROUGE-L tokenizer and instruction filters.
    public var language: RunLanguage = .en
    /// Which stages send their teacher requests through the provider's batch API, and how (`batch`); nil: online.
    public var batch: BatchSettings?

    public init() {}

    /// Reads the known keys of a `runs.config` object.
    public init(json text: String) throws(RecordError) {
        let value: JSONValue
        do {
            value = try JSONReader.parse(Array(text.utf8))
        } catch {
            throw RecordError(kind: "invalid_run_config", message: "runs.config is not JSON: \(error)")
        }
        guard case .object = value else {
            throw RecordError(kind: "invalid_run_config", message: "runs.config is not a JSON object")
        }
        if case .number(let number)? = value["validation_fraction"] {
            guard let fraction = Double(number), fraction >= 0, fraction < 1 else {
                throw RecordError(kind: "invalid_run_config", message: "validation_fraction must be in [0, 1)")
            }
            validationFraction = fraction
        }
        if case .number(let number)? = value["shard_size"] {
            guard let size = Int(number), size > 0 else {
                throw RecordError(kind: "invalid_run_config", message: "shard_size must be a positive integer")
            }
            shardSize = size
        }
        if let member = value["hygiene"] {
            guard case .bool(let on) = member else {
                throw RecordError(kind: "invalid_run_config", message: "hygiene must be true or false")
            }
            hygiene = on
        }
        switch value["formats"] {
        case nil, .null?:
            break
        case .string(let text)?:
            formats = try Self.formats(text)
        case .array(let names)?:
            var text: [String] = []
            for name in names {
                guard case .string(let name) = name else {
                    throw RecordError(kind: "invalid_run_config", message: "formats must list format names as strings")
                }
                text.append(name)
            }
            formats = try Self.formats(text.joined(separator: ","))
        default:
            throw RecordError(kind: "invalid_run_config", message: "formats must be a list of format names or one string")
        }
        switch value["language"] {
        case nil, .null?:
            break
        case .string(let name)?:
            guard let chosen = RunLanguage(rawValue: name) else {
                throw RecordError(kind: "invalid_run_config", message: "language must be one of \(RunLanguage.names) (got '\(name)')")
            }
            language = chosen
        default:
            throw RecordError(kind: "invalid_run_config", message: "language must be a string: \(RunLanguage.names)")
        }
        if let member = value["batch"] {
            do {
                batch = try BatchSettings(json: member)
            } catch {
                throw RecordError(kind: "invalid_run_config", message: error.description)
            }
        }
        switch value["system_prompt"] {
        case nil, .null?:
            break
        case .string(let text)?:
            systemPrompt = text.isEmpty ? nil : text
        default:
            throw RecordError(kind: "invalid_run_config", message: "system_prompt must be a string")
        }
    }

    private static func formats(_ text: String) throws(RecordError) -> [TrainingFormat] {
        do {
            let formats = try TrainingFormat.list(text)
            guard !formats.isEmpty else { throw TrainingFormatError(name: text) }
            return formats
        } catch {
            throw RecordError(kind: "invalid_run_config", message: "formats: \(error)")
        }
    }
}
