// OpenAI's Files and Batches API on the wire: the create-batch body, JSON decoding and the multipart upload.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
