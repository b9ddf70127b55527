// Request fields OpenAI accepts either as one string or as a list (`prompt`, `stop`).

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
