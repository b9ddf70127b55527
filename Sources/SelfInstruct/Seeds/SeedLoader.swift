// Reading seed-task files (and other JSON Lines inputs) with errors that name the file, line and field.

/// One problem found in an input file, printable as a single line `file:line:column: message`.
public struct InputProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning }

    public var file: String
    public var line: Int
    public var column: Int?
    public var field: String?
    public var message: String
    public var severity: Severity

    public init(file: String, line: Int, column: Int? = nil, field: String? = nil, message: String, severity: Severity = .error) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
        self.severity = severity
    }

    public var description: String {
        var location = "\(file):\(line)"
        if let column { location += ":\(column)" }
        let subject = field.map { "field '\($0)': " } ?? ""
        return "\(location): \(severity.rawValue): \(subject)\(message)"
    }
}

/// The outcome of reading a seed file: the tasks that are well-formed, and every problem found.
public struct SeedFile: Sendable {
    public var fileName: String
    public var tasks: [SeedTask]
    /// 1-based line where each task starts, parallel to `tasks`.
    public var lines: [Int]
    public var problems: [InputProblem]

    public var errors: [InputProblem] { problems.filter { $0.severity == .error } }
    public var warnings: [InputProblem] { problems.filter { $0.severity == .warning } }
}

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

/// Splits a JSON Lines file (or a JSON array) into records with their 1-based line numbers, reporting
/// ill-formed UTF-8 and JSON syntax errors by line and column. Blank lines are skipped.
public enum JSONRecordReader {
    public struct Record: Sendable {
        public var line: Int
        public var value: JSONValue
    }

    public static func read(_ bytes: [UInt8], fileName: String) -> (records: [Record], problems: [InputProblem]) {
        var records: [Record] = []
        var problems: [InputProblem] = []
        var body = bytes[...]
        // A UTF-8 byte-order mark is tolerated.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { body = bytes[3...] }
        let firstSignificant = body.firstIndex(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) })

        if let first = firstSignificant, bytes[first] == UInt8(ascii: "[") {
            if let bad = bytes.withUnsafeBufferPointer({ UTF8Validation.firstInvalidOffset($0) }) {
                let (line, column) = lineAndColumn(of: bad, in: bytes)
                problems.append(InputProblem(file: fileName, line: line, column: column,
                                             message: "invalid UTF-8 (byte 0x\(hexByte(bytes[bad])))"))
                return (records, problems)
            }
            do {
                // Element offsets only grow, so lines are counted forward from the previous element.
                var counter = LineCounter(bytes: bytes)
                for element in try JSONReader.parseArrayElements(body) {
                    let offset = element.offset + (bytes.count - body.count)
                    records.append(Record(line: counter.line(at: offset), value: element.value))
                }
            } catch {
                let (line, column) = lineAndColumn(of: error.offset + (bytes.count - body.count), in: bytes)
                problems.append(InputProblem(file: fileName, line: line, column: column, message: "invalid JSON: expected \(error.expected)"))
            }
            return (records, problems)
        }

        var lineNumber = 0
        var start = body.startIndex
        while start < body.endIndex {
            lineNumber += 1
            let end = body[start...].firstIndex(of: 0x0A) ?? body.endIndex
            var lineBytes = body[start..<end]
            if lineBytes.last == 0x0D { lineBytes = lineBytes.dropLast() }
            start = end < body.endIndex ? end + 1 : end
            if lineBytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let invalid = lineBytes.withContiguousStorageIfAvailable { UTF8Validation.firstInvalidOffset($0) } ?? nil
            if let bad = invalid {
                problems.append(InputProblem(file: fileName, line: lineNumber, column: bad + 1,
                                             message: "invalid UTF-8 (byte 0x\(hexByte(lineBytes[lineBytes.startIndex + bad])))"))
                continue
            }
            do {
                records.append(Record(line: lineNumber, value: try JSONReader.parse(lineBytes)))
            } catch {
                problems.append(InputProblem(file: fileName, line: lineNumber, column: error.offset + 1,
                                             message: "invalid JSON: expected \(error.expected)"))
            }
        }
        return (records, problems)
    }

    /// Line numbers of increasing byte offsets, counted incrementally (linear over the whole file).
    struct LineCounter {
        let bytes: [UInt8]
        private var position = 0
        private var line = 1

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func line(at offset: Int) -> Int {
            precondition(offset >= position, "offsets must not decrease")
            while position < min(offset, bytes.count) {
                if bytes[position] == 0x0A { line += 1 }
                position += 1
            }
            return line
        }
    }

    static func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return (line, offset - lineStart + 1)
    }
}

/// Reads the `instruction` field of every record of a JSON Lines file of candidates, in order.
public enum InstructionListReader {
    public static func read(_ bytes: [UInt8], fileName: String, field: String = "instruction") -> (instructions: [String], lines: [Int], problems: [InputProblem]) {
        let (records, readProblems) = JSONRecordReader.read(bytes, fileName: fileName)
        var problems = readProblems
        var instructions: [String] = []
        var lines: [Int] = []
        instructions.reserveCapacity(records.count)
        for record in records {
            guard case .object = record.value else {
                problems.append(InputProblem(file: fileName, line: record.line, message: "expected a JSON object, found \(record.value.typeName)"))
                continue
            }
            guard let value = record.value[field] else {
                problems.append(InputProblem(file: fileName, line: record.line, field: field, message: "missing; expected a string"))
                continue
            }
            guard case .string(let text) = value else {
                problems.append(InputProblem(file: fileName, line: record.line, field: field, message: "expected a string, found \(value.typeName)"))
                continue
            }
            instructions.append(text)
            lines.append(record.line)
        }
        problems.sort { ($0.line, $0.column ?? 0) < ($1.line, $1.column ?? 0) }
        return (instructions, lines, problems)
    }
}

/// Two upper-case hex digits.
private func hexByte(_ byte: UInt8) -> String {
    let hex = String(byte, radix: 16, uppercase: true)
    return hex.count == 1 ? "0" + hex : hex
}
