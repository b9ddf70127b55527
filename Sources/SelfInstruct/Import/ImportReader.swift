// Reading an existing data set for `sictl import`: bytes in, records out, every problem as file:line[:column].

/// Reads Alpaca JSON lists, Alpaca-style JSON Lines and Self-Instruct instance files. The format is detected from
/// the content (a list, or whether the first object has `instances`) unless one is forced. Unknown keys are
/// ignored, a missing or null `input` is "", blank lines are skipped.
public enum ImportReader {
    public static func read(_ bytes: [UInt8], fileName: String, format forced: ImportFormat? = nil) -> ImportFile {
        let isList = startsWithList(bytes)
        let (parsed, readProblems) = JSONRecordReader.read(bytes, fileName: fileName)
        let format = forced ?? detect(isList: isList, first: parsed.first?.value)
        var file = ImportFile(fileName: fileName, format: format, records: [], problems: readProblems)
        func fail(_ line: Int, _ message: String, column: Int? = nil) -> ImportFile {
            file.problems = [InputProblem(file: fileName, line: line, column: column, message: message)]
            return file
        }
        // A forced format must match the file's shape; one clear message beats one error per record.
        if format == .alpacaJSON && !isList {
            return fail(parsed.first?.line ?? 1, "expected a JSON list '[' of {\"instruction\", \"input\", \"output\"} objects (format alpaca-json)")
        }
        if format != .alpacaJSON && isList {
            return fail(1, "this file is a JSON list, not one object per line (format \(format.rawValue)); use --format alpaca-json", column: 1)
        }
        file.records.reserveCapacity(parsed.count)
        for record in parsed {
            switch format {
            case .alpacaJSON, .jsonl: decodeAlpaca(record, into: &file)
            case .selfInstruct: decodeSelfInstruct(record, into: &file)
            }
        }
        if parsed.isEmpty && file.errors.isEmpty {
            file.problems.append(InputProblem(file: fileName, line: 1, message: "no records in the file"))
        }
        file.problems.sort { ($0.line, $0.column ?? 0) < ($1.line, $1.column ?? 0) }
        return file
    }

    /// A list is Alpaca JSON; an object with `instances` first is Self-Instruct; anything else reads as JSON Lines
    /// (whose errors then say what each line lacks).
    static func detect(isList: Bool, first: JSONValue?) -> ImportFormat {
        if isList { return .alpacaJSON }
        if case .array? = first?["instances"] { return .selfInstruct }
        return .jsonl
    }

    /// True when the first byte after a byte-order mark and whitespace is '['.
    static func startsWithList(_ bytes: [UInt8]) -> Bool {
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        for byte in bytes[start...] where !(byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D) {
            return byte == UInt8(ascii: "[")
        }
        return false
    }

    private static func decodeAlpaca(_ record: JSONRecordReader.Record, into file: inout ImportFile) {
        func problem(_ field: String?, _ message: String) {
            file.problems.append(InputProblem(file: file.fileName, line: record.line, field: field, message: message))
        }
        guard let instruction = instruction(of: record.value, problem: problem) else { return }
        if record.value["output"] == nil, case .array? = record.value["instances"] {
            return problem("output", "missing; expected a string (this line has \"instances\": a Self-Instruct file? use --format self-instruct)")
        }
        switch instance(record.value) {
        case .success(let pair):
            file.records.append(ImportRecord(line: record.line, instruction: instruction, input: pair.input, output: pair.output))
        case .failure(let why):
            problem(why.field, why.message)
        }
    }

    private static func decodeSelfInstruct(_ record: JSONRecordReader.Record, into file: inout ImportFile) {
        func problem(_ field: String?, _ message: String) {
            file.problems.append(InputProblem(file: file.fileName, line: record.line, field: field, message: message))
        }
        guard let instruction = instruction(of: record.value, problem: problem) else { return }
        guard let instancesValue = record.value["instances"] else {
            return problem("instances", "missing; expected a list of {\"input\", \"output\"} objects (format self-instruct)")
        }
        guard case .array(let items) = instancesValue else {
            return problem("instances", "expected a list of {\"input\", \"output\"} objects, found \(instancesValue.typeName)")
        }
        guard !items.isEmpty else { return problem("instances", "empty; expected at least one {\"input\", \"output\"} object") }
        var pairs: [TaskInstance] = []
        for (k, item) in items.enumerated() {
            switch instance(item) {
            case .success(let pair): pairs.append(pair)
            case .failure(let why): return problem(why.field.isEmpty ? "instances[\(k)]" : "instances[\(k)].\(why.field)", why.message)
            }
        }
        for pair in pairs {
            file.records.append(ImportRecord(line: record.line, instruction: instruction, input: pair.input, output: pair.output))
        }
    }

    /// The record's non-empty `instruction`, or nil after reporting why not.
    private static func instruction(of value: JSONValue, problem: (String?, String) -> Void) -> String? {
        guard case .object = value else {
            problem(nil, "expected a JSON object with a string \"instruction\", found \(value.typeName)")
            return nil
        }
        guard let field = value["instruction"] else {
            problem("instruction", "missing; expected a JSON object with a string \"instruction\"")
            return nil
        }
        guard case .string(let text) = field else {
            problem("instruction", "expected a string, found \(field.typeName)")
            return nil
        }
        guard !PythonText.strip(text).isEmpty else {
            problem("instruction", "empty; expected a non-empty string")
            return nil
        }
        return text
    }

    private struct FieldProblem: Error {
        var field: String
        var message: String
    }

    /// `{"input"?, "output"}`: a missing or null input is "".
    private static func instance(_ value: JSONValue) -> Result<TaskInstance, FieldProblem> {
        guard case .object = value else {
            return .failure(FieldProblem(field: "", message: "expected an {\"input\", \"output\"} object, found \(value.typeName)"))
        }
        var input = ""
        if let inputValue = value["input"], inputValue != .null {
            guard case .string(let text) = inputValue else {
                return .failure(FieldProblem(field: "input", message: "expected a string, found \(inputValue.typeName)"))
            }
            input = text
        }
        guard let outputValue = value["output"] else {
            return .failure(FieldProblem(field: "output", message: "missing; expected a string"))
        }
        guard case .string(let output) = outputValue else {
            return .failure(FieldProblem(field: "output", message: "expected a string, found \(outputValue.typeName)"))
        }
        return .success(TaskInstance(input: input, output: output))
    }
}
