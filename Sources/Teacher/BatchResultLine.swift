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
        var lines: [BatchResultLine] = []
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { continue }
            func malformed(_ problem: String) -> TeacherError {
                TeacherError(kind: .malformedResponse, classification: .retryable, operation: "GET /v1/files/content",
                             message: "\(fileName) line \(lineNumber): \(problem)")
            }
            let value: JSONValue
            do {
                value = try JSONReader.parse(line)
            } catch {
                throw malformed("not JSON")
            }
            guard case .string(let customID)? = value["custom_id"] else { throw malformed("no custom_id") }
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
            guard result.statusCode != nil || result.errorCode != nil else { throw malformed("neither a response nor an error") }
            lines.append(result)
        }
        return lines
    }

    public init(customID: String, statusCode: Int? = nil, body: [UInt8]? = nil, errorCode: String? = nil, errorMessage: String? = nil) {
        self.customID = customID
        self.statusCode = statusCode
        self.body = body
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }
}
