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
