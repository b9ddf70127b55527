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
