import SelfInstruct

/// One line of a batch's output or error file.
public struct BatchResultLine: Sendable, Hashable {
    public var customID: String
    /// The HTTP status the request got, nil when it never ran (expired, cancelled).
    public var statusCode: Int?
    /// The response body, re-serialised from the line (a completions object, or an error object).
    public var body: [UInt8]?
    /// The line's own error code and message (`batch_expired`, `batch_cancelled`, …).
    public var errorCode: String?
    public var errorMessage: String?

    /// Reads every line of an output or error file; a line that is not a result object is an error naming its number.
    public static func parse(file bytes: [UInt8], fileName: String) throws(TeacherError) -> [BatchResultLine] {
        let read = read(file: bytes, fileName: fileName)
        if let problem = read.problems.first {
            throw TeacherError(kind: .malformedResponse, classification: .retryable, operation: "GET /v1/files/content", message: problem)
        }
        return read.lines
    }

    /// Reads the lines it can and names the others (`FILE line N: problem`): one bad line must not hold back the rest.
    public static func read(file bytes: [UInt8], fileName: String) -> (lines: [BatchResultLine], problems: [String]) {
        var lines: [BatchResultLine] = []
        var problems: [String] = []
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { continue }
            let value: JSONValue
            do {
                value = try JSONReader.parse(line)
            } catch {
                problems.append("\(fileName) line \(lineNumber): not JSON")
                continue
            }
            guard case .string(let customID)? = value["custom_id"] else {
                problems.append("\(fileName) line \(lineNumber): no custom_id")
                continue
            }
            var result = BatchResultLine(customID: customID)
            if case .object? = value["response"], let response = value["response"] {
                if case .number(let code)? = response["status_code"] { result.statusCode = Int(code) }
                if let body = response["body"], body != .null { result.body = Array(JSONWriter.text(body).utf8) }
            }
            if case .object? = value["error"], let error = value["error"] {
                if case .string(let code)? = error["code"] { result.errorCode = code }
                if case .string(let message)? = error["message"] { result.errorMessage = message }
                if result.errorCode == nil { result.errorCode = "error" }
            }
            guard result.statusCode != nil || result.errorCode != nil else {
                problems.append("\(fileName) line \(lineNumber): neither a response nor an error")
                continue
            }
            lines.append(result)
        }
        return (lines, problems)
    }

    public init(customID: String, statusCode: Int? = nil, body: [UInt8]? = nil, errorCode: String? = nil, errorMessage: String? = nil) {
        self.customID = customID
        self.statusCode = statusCode
        self.body = body
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }
}
