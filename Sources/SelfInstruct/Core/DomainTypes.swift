// Value types shared by every part of the domain.

/// The two reference methods this project reproduces (spec §1 and §2).
public enum Recipe: String, Sendable, Hashable, CaseIterable, Codable {
    case selfInstruct = "self-instruct"
    case alpaca = "alpaca"
}

/// One input/output pair of a task.
public struct TaskInstance: Sendable, Hashable, Codable {
    public var input: String
    public var output: String

    public init(input: String, output: String) {
        self.input = input
        self.output = output
    }
}

/// A human-written seed task. Self-Instruct files carry `id`, `name`, `instances` and `is_classification`;
/// Alpaca-style files carry `instruction`, `input`, `output`, which load as one instance.
public struct SeedTask: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var instruction: String
    public var instances: [TaskInstance]
    /// `nil` when the seed file does not say (Alpaca-style seeds).
    public var isClassification: Bool?

    public init(id: String, name: String? = nil, instruction: String, instances: [TaskInstance], isClassification: Bool? = nil) {
        self.id = id
        self.name = name
        self.instruction = instruction
        self.instances = instances
        self.isClassification = isClassification
    }
}

/// Why the teacher stopped writing a completion, as the OpenAI API reports it.
public enum FinishReason: Sendable, Hashable {
    case stop
    /// The completion hit `max_tokens`: its last item may be cut off.
    case length
    case other(String)

    public init(apiValue: String?) {
        switch apiValue {
        case "stop", nil: self = .stop
        case "length": self = .length
        case let value?: self = .other(value)
        }
    }

    public var apiValue: String {
        switch self {
        case .stop: "stop"
        case .length: "length"
        case .other(let value): value
        }
    }
}

/// The text of one completion choice and why it ended.
public struct Completion: Sendable, Hashable {
    public var text: String
    public var finishReason: FinishReason

    public init(text: String, finishReason: FinishReason = .stop) {
        self.text = text
        self.finishReason = finishReason
    }
}
