// Reading seed-task files (and other JSON Lines inputs) with errors that name the file, line and field.

/// Seed formats accepted: Self-Instruct JSONL (`id`, `name`, `instruction`, `instances`, `is_classification`),
/// Alpaca-style JSONL (`instruction`, `input`, `output`) and a JSON list of either shape.
public enum SeedLoader {
    public static func load(_ bytes: [UInt8], fileName: String) -> SeedFile {
        var file = SeedFile(fileName: fileName, tasks: [], lines: [], problems: [])
        let records = JSONRecordReader.read(bytes, fileName: fileName)
        file.problems = records.problems
        var firstLineOfInstruction: [String: Int] = [:]
        for (ordinal, record) in records.records.enumerated() {
            switch decodeSeed(record.value, ordinal: ordinal, line: record.line, fileName: fileName) {
            case .success(let task):
                let key = PythonText.normalizeWhitespace(task.instruction)
                if let earlier = firstLineOfInstruction[key] {
                    file.problems.append(InputProblem(
                        file: fileName, line: record.line, field: "instruction",
                        message: "duplicate of the instruction on line \(earlier)", severity: .warning))
                } else {
                    firstLineOfInstruction[key] = record.line
                }
                file.tasks.append(task)
                file.lines.append(record.line)
            case .failure(let problem):
                file.problems.append(problem)
            }
        }
        if records.records.isEmpty && file.errors.isEmpty {
            file.problems.append(InputProblem(file: fileName, line: 1, message: "no seed tasks in the file"))
        }
        file.problems.sort { ($0.line, $0.column ?? 0) < ($1.line, $1.column ?? 0) }
        return file
    }

    private static func decodeSeed(_ value: JSONValue, ordinal: Int, line: Int, fileName: String) -> Result<SeedTask, InputProblem> {
        func problem(_ field: String?, _ message: String) -> Result<SeedTask, InputProblem> {
            .failure(InputProblem(file: fileName, line: line, field: field, message: message))
        }
        guard case .object = value else { return problem(nil, "expected a JSON object, found \(value.typeName)") }
        guard let instructionValue = value["instruction"] else { return problem("instruction", "missing; expected a non-empty string") }
        guard case .string(let instruction) = instructionValue else {
            return problem("instruction", "expected a non-empty string, found \(instructionValue.typeName)")
        }
        guard !PythonText.strip(instruction).isEmpty else { return problem("instruction", "empty; expected a non-empty string") }

        var id = "seed_task_\(ordinal)"
        if let idValue = value["id"] {
            guard case .string(let s) = idValue, !s.isEmpty else { return problem("id", "expected a non-empty string, found \(idValue.typeName)") }
            id = s
        }
        var name: String?
        if let nameValue = value["name"], nameValue != .null {
            guard case .string(let s) = nameValue else { return problem("name", "expected a string, found \(nameValue.typeName)") }
            name = s
        }
        var isClassification: Bool?
        if let clf = value["is_classification"], clf != .null {
            guard case .bool(let b) = clf else { return problem("is_classification", "expected true or false, found \(clf.typeName)") }
            isClassification = b
        }

        var instances: [TaskInstance] = []
        if let instancesValue = value["instances"] {
            guard case .array(let items) = instancesValue else {
                return problem("instances", "expected an array of {\"input\", \"output\"} objects, found \(instancesValue.typeName)")
            }
            guard !items.isEmpty else { return problem("instances", "empty; expected at least one {\"input\", \"output\"} object") }
            for (k, item) in items.enumerated() {
                switch decodeInstance(item) {
                case .success(let instance): instances.append(instance)
                case .failure(let why): return problem("instances[\(k)].\(why.field)", why.message)
                }
            }
        } else if value["output"] != nil || value["input"] != nil {
            switch decodeInstance(value) {
            case .success(let instance): instances.append(instance)
            case .failure(let why): return problem(why.field, why.message)
            }
        } else {
            return problem("instances", "missing; expected `instances` (Self-Instruct) or `input`/`output` (Alpaca)")
        }
        return .success(SeedTask(id: id, name: name, instruction: instruction, instances: instances, isClassification: isClassification))
    }

    private struct FieldProblem: Error { var field: String; var message: String }

    private static func decodeInstance(_ value: JSONValue) -> Result<TaskInstance, FieldProblem> {
        guard case .object = value else { return .failure(FieldProblem(field: "", message: "expected an object, found \(value.typeName)")) }
        var input = ""
        if let inputValue = value["input"], inputValue != .null {
            guard case .string(let s) = inputValue else {
                return .failure(FieldProblem(field: "input", message: "expected a string, found \(inputValue.typeName)"))
            }
            input = s
        }
        guard let outputValue = value["output"] else { return .failure(FieldProblem(field: "output", message: "missing; expected a string")) }
        guard case .string(let output) = outputValue else {
            return .failure(FieldProblem(field: "output", message: "expected a string, found \(outputValue.typeName)"))
        }
        return .success(TaskInstance(input: input, output: output))
    }
}

/// Two upper-case hex digits.
func hexByte(_ byte: UInt8) -> String {
    let hex = String(byte, radix: 16, uppercase: true)
    return hex.count == 1 ? "0" + hex : hex
}
