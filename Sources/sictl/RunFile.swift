import Foundation
import SelfInstruct

/// The values of a JSON run file (YAML is not available here; the keys are the same).
struct RunFile {
    var name: String?
    var recipe: String?
    var seeds: String?
    var target: Int?
    var seed: UInt64?
    var threshold: Double?
    var concurrency: Int?
    var model: String?
    /// The file's text, kept in runs.config.
    var json = "{}"

    static func load(_ path: String) throws(CommandFailure) -> RunFile {
        let bytes = try FileIO.readAll(path)
        let value: JSONValue
        do {
            value = try JSONReader.parse(bytes)
        } catch {
            throw CommandFailure(description: "\(path): \(error)")
        }
        guard case .object(let members) = value else {
            throw CommandFailure(description: "\(path): expected a JSON object, found \(value.typeName)")
        }
        var file = RunFile(json: String(decoding: bytes, as: UTF8.self))
        let known: Set<String> = ["name", "recipe", "seeds", "target", "seed", "threshold", "concurrency", "model"]
        for (key, member) in members where known.contains(key) {
            func fail(_ expected: String) -> CommandFailure {
                CommandFailure(description: "\(path): field '\(key)': expected \(expected), found \(member.typeName)")
            }
            switch (key, member) {
            case ("name", .string(let text)): file.name = text
            case ("recipe", .string(let text)): file.recipe = text
            case ("model", .string(let text)): file.model = text
            case ("seeds", .string(let text)):
                // Relative to the run file, so a run file and its seeds travel together.
                file.seeds = text.hasPrefix("/") ? text
                    : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(text).path
            case ("target", .number(let text)), ("concurrency", .number(let text)):
                guard let number = Int(text) else { throw fail("an integer") }
                if key == "target" { file.target = number } else { file.concurrency = number }
            case ("seed", .number(let text)):
                guard let number = UInt64(text) else { throw fail("an integer in 0...2^64-1") }
                file.seed = number
            case ("threshold", .number(let text)):
                guard let number = Double(text) else { throw fail("a number") }
                file.threshold = number
            case ("name", _), ("recipe", _), ("model", _), ("seeds", _): throw fail("a string")
            default: throw fail(key == "threshold" ? "a number" : "an integer")
            }
        }
        return file
    }
}
