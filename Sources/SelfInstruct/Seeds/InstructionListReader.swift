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
