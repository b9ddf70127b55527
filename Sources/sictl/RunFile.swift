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
    var budgetUSD: Double?
    var budgetTokens: Int64?
    var pricePrompt: Double?
    var priceCompletion: Double?
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
        let known: Set<String> = ["name", "recipe", "seeds", "target", "seed", "threshold", "concurrency", "model", "budget_usd",
                                 "budget_tokens", "price_prompt", "price_completion", "hygiene"]
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
            case ("budget_usd", .number(let text)), ("price_prompt", .number(let text)), ("price_completion", .number(let text)):
                guard let number = Double(text), number.isFinite, number >= 0 else { throw fail("a non-negative number") }
                switch key {
                case "budget_usd": file.budgetUSD = number
                case "price_prompt": file.pricePrompt = number
                default: file.priceCompletion = number
                }
            case ("budget_tokens", .number(let text)):
                guard let number = Int64(text), number > 0 else { throw fail("a positive integer") }
                file.budgetTokens = number
            case ("hygiene", .bool): break  // read by the stages from runs.config (RunSettings); checked here
            case ("hygiene", _): throw fail("true or false")
            case ("name", _), ("recipe", _), ("model", _), ("seeds", _): throw fail("a string")
            case ("threshold", _), ("budget_usd", _), ("price_prompt", _), ("price_completion", _): throw fail("a number")
            default: throw fail("an integer")
            }
        }
        return file
    }

    /// The text for runs.config with `hygiene` set to `on` (replacing the file's own value).
    func json(hygiene on: Bool) -> String {
        var members: [(key: String, value: JSONValue)] = []
        if case .object(let parsed)? = try? JSONReader.parse(Array(json.utf8)) { members = parsed.filter { $0.key != "hygiene" } }
        members.append((key: "hygiene", value: .bool(on)))
        return JSONWriter.text(.object(members))
    }
}
