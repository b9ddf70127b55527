import Foundation

/// One request line of a batch input file. The body's bytes are kept so that a test can send exactly the same
/// bytes to the online endpoint and compare the answers.
struct BatchLine {
    var customID: String
    var url: String
    var body: Data

    init(_ customID: String, url: String = "/v1/completions", _ fields: [String: any Sendable]) throws {
        self.customID = customID
        self.url = url
        body = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    }

    init(_ customID: String, prompt: String) throws {
        try self.init(customID, ["model": "si-sim-1", "prompt": prompt])
    }

    /// `{"custom_id":…,"method":"POST","url":…,"body":<body>}`.
    var jsonl: Data {
        var line = Data("{\"custom_id\":".utf8)
        line += try! JSONSerialization.data(withJSONObject: customID, options: [.fragmentsAllowed])
        line += Data(",\"method\":\"POST\",\"url\":\"\(url)\",\"body\":".utf8)
        line += body
        line += Data("}".utf8)
        return line
    }

    /// A JSONL file of `lines`, each ending in a newline.
    static func file(_ lines: [BatchLine]) -> Data {
        lines.reduce(into: Data()) { file, line in file += line.jsonl + Data("\n".utf8) }
    }
}
