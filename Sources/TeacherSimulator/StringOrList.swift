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
