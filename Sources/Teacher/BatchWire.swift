// OpenAI's Files and Batches API on the wire: the objects the client reads, the input line it writes and the
// output/error lines it reads back. Output lines are read with the domain's JSON reader, so a response body
// is kept byte for byte as the provider wrote its values and is decoded later exactly like an online answer.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SelfInstruct

/// A file the provider stores (`/v1/files`).
public struct RemoteFile: Sendable, Hashable, Decodable {
    public var id: String
    public var bytes: Int?
    public var purpose: String?
}

/// A batch at the provider (`/v1/batches`).
public struct RemoteBatch: Sendable, Hashable, Decodable {
    /// Request counts as the provider reports them.
    public struct Counts: Sendable, Hashable, Decodable {
        public var total: Int
        public var completed: Int
        public var failed: Int
    }

    public var id: String
    public var status: String
    public var endpoint: String?
    public var inputFileID: String?
    public var outputFileID: String?
    public var errorFileID: String?
    public var createdAt: Int?
    public var requestCounts: Counts?
    public var metadata: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id, status, endpoint, metadata
        case inputFileID = "input_file_id"
        case outputFileID = "output_file_id"
        case errorFileID = "error_file_id"
        case createdAt = "created_at"
        case requestCounts = "request_counts"
    }

    /// True once the provider will not change the batch again: its files are final.
    public var isFinished: Bool {
        ["completed", "failed", "expired", "cancelled"].contains(status)
    }
}

/// One page of `GET /v1/batches` (newest first).
struct RemoteBatchPage: Sendable, Decodable {
    var data: [RemoteBatch]
    var hasMore: Bool?
    var lastID: String?

    enum CodingKeys: String, CodingKey {
        case data
        case hasMore = "has_more"
        case lastID = "last_id"
    }
}

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

/// Writes the JSONL input file of a batch: one `{"custom_id","method","url","body"}` line per request.
public enum BatchInputFile {
    /// The file's bytes; `body` is the request's JSON text, inlined as it is.
    public static func bytes(lines: [(customID: String, endpoint: String, body: String)]) -> [UInt8] {
        var text = ""
        for line in lines {
            text += "{\"custom_id\":\(JSONWriter.quoted(line.customID)),\"method\":\"POST\",\"url\":\(JSONWriter.quoted(line.endpoint)),\"body\":"
            text += line.body
            text += "}\n"
        }
        return Array(text.utf8)
    }
}

enum BatchWire {
    struct CreateBatch: Encodable {
        var inputFileID: String
        var endpoint: String
        var completionWindow: String
        var metadata: [String: String]

        enum CodingKeys: String, CodingKey {
            case metadata, endpoint
            case inputFileID = "input_file_id"
            case completionWindow = "completion_window"
        }
    }

    static func decode<Value: Decodable>(_ type: Value.Type, _ body: [UInt8], operation: String) throws(TeacherError) -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch {
            throw TeacherError(kind: .malformedResponse, classification: .retryable, operation: operation,
                               message: "the response is not a \(type) object")
        }
    }

    /// A multipart/form-data body with a `purpose` field and one file.
    static func multipart(purpose: String, fileName: String, content: [UInt8], boundary: String) -> [UInt8] {
        var body: [UInt8] = []
        func text(_ string: String) { body.append(contentsOf: Array(string.utf8)) }
        text("--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n\(purpose)\r\n")
        text("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\n")
        text("Content-Type: application/jsonl\r\n\r\n")
        body.append(contentsOf: content)
        text("\r\n--\(boundary)--\r\n")
        return body
    }
}
