import FoundationEssentials
import SelfInstruct

// OpenAI wire formats. Requests are decoded leniently (unknown fields ignored, `prompt` and `stop` as a
// string or a list); responses are written by hand so that their bytes depend only on their content
// and keys come in OpenAI's order.

/// A string or a list of strings, as `prompt` and `stop` accept.
struct StringOrList: Decodable, Sendable {
    var values: [String]

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            values = []
        } else if let single = try? container.decode(String.self) {
            values = [single]
        } else {
            values = try container.decode([String].self)
        }
    }
}

/// The request fields the simulator reads, shared by both endpoints.
struct CompletionRequestBody: Decodable, Sendable {
    var model: String?
    var prompt: StringOrList?
    var messages: [ChatMessage]?
    var maxTokens: Int?
    var maxCompletionTokens: Int?
    var temperature: Double?
    var n: Int?
    var stop: StringOrList?
    var seed: Int64?

    enum CodingKeys: String, CodingKey {
        case model, prompt, messages, temperature, n, stop, seed
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
    }
}

/// A chat message whose content is a string or a list of `{"type": "text", "text": …}` parts.
struct ChatMessage: Decodable, Sendable {
    var role: String
    var content: String

    private struct Part: Decodable { var type: String?; var text: String? }
    enum CodingKeys: String, CodingKey { case role, content }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(String.self, forKey: .role)
        if let text = try? container.decode(String.self, forKey: .content) {
            content = text
        } else if let parts = try? container.decode([Part].self, forKey: .content) {
            content = parts.compactMap(\.text).joined()
        } else {
            content = ""
        }
    }
}

/// One value of a response document.
indirect enum JSONValue: Sendable {
    case string(String)
    case int(Int)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    var serialized: String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .string(let value): JSONWriter.appendQuoted(value, to: &out, escapingLineSeparators: false)
        case .int(let value): out += String(value)
        case .null: out += "null"
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                JSONWriter.appendQuoted(member.0, to: &out, escapingLineSeparators: false)
                out += ":"
                member.1.write(into: &out)
            }
            out += "}"
        }
    }
}

/// OpenAI's error document: `{"error": {"message", "type", "param", "code"}}`.
func openAIError(message: String, type: String, code: String?) -> JSONValue {
    .object([
        ("error", .object([
            ("message", .string(message)),
            ("type", .string(type)),
            ("param", .null),
            ("code", code.map(JSONValue.string) ?? .null),
        ])),
    ])
}
