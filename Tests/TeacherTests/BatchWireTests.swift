import SelfInstruct
import Testing

@testable import Teacher

import Foundation

@Suite("OpenAI Batch API wire format: input lines, result lines, multipart upload")
struct BatchWireTests {
    @Test func inputLinesCarryTheCustomIDURLAndTheOnlineBodyUnchanged() throws {
        let body = #"{"model":"m","prompt":"héllo \"x\"","max_tokens":5}"#
        let bytes = BatchInput.bytes(lines: [("si-1", "/v1/completions", body), ("si-22", "/v1/completions", "{}")])
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        let first = try #require(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["custom_id"] as? String == "si-1")
        #expect(first["method"] as? String == "POST")
        #expect(first["url"] as? String == "/v1/completions")
        #expect((first["body"] as? [String: Any])?["prompt"] as? String == "héllo \"x\"")
        #expect(lines[0].hasSuffix(body + "}"), "the body is inlined byte for byte")
    }

    @Test func resultLinesGiveTheBodyAnswersErrorsAndExpiries() throws {
        let file = """
            {"id":"batch_req_1","custom_id":"si-7","response":{"status_code":200,"request_id":"r1","body":{"id":"c","object":"text_completion","choices":[{"text":"hi\\u00e9","index":0,"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}},"error":null}
            {"id":"batch_req_2","custom_id":"si-8","response":{"status_code":500,"request_id":"r2","body":{"error":{"message":"boom","type":"server_error","code":null}}},"error":null}

            {"id":"batch_req_3","custom_id":"si-9","response":null,"error":{"code":"batch_expired","message":"This request could not be executed before the completion window expired."}}
            """
        let lines = try BatchResultLine.parse(file: Array(file.utf8), fileName: "out")
        #expect(lines.map(\.customID) == ["si-7", "si-8", "si-9"])
        #expect(lines[0].statusCode == 200 && lines[0].errorCode == nil)
        // The body decodes exactly as an online answer would.
        let decoded = try OpenAIWire.decode(try #require(lines[0].body), promptCount: 1, n: 1, operation: "test")
        #expect(decoded.choices[0][0].text == "hié")
        #expect(decoded.usage?.totalTokens == 4)
        #expect(lines[1].statusCode == 500)
        #expect(ErrorClassifier.serverMessage(in: try #require(lines[1].body)) == "boom")
        #expect(lines[2].statusCode == nil && lines[2].body == nil && lines[2].errorCode == "batch_expired")
    }

    @Test func aBrokenResultLineNamesTheFileAndLine() {
        do {
            _ = try BatchResultLine.parse(file: Array("{\"custom_id\":\"si-1\",\"response\":null,\"error\":null}\n{oops".utf8), fileName: "batch_1 output")
            Issue.record("parsed")
        } catch {
            #expect(error.message.contains("batch_1 output line 1"), "\(error.message)")
        }
        do {
            _ = try BatchResultLine.parse(file: Array("\n{oops".utf8), fileName: "f")
            Issue.record("parsed")
        } catch {
            #expect(error.message.contains("f line 2: not JSON"), "\(error.message)")
        }
    }

    @Test func theUploadIsMultipartWithPurposeAndFile() {
        let body = String(decoding: BatchWire.multipart(purpose: "batch", fileName: "a.jsonl", content: Array("{}\n".utf8), boundary: "B"), as: UTF8.self)
        #expect(body == "--B\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
            + "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jsonl\"\r\nContent-Type: application/jsonl\r\n\r\n{}\n\r\n--B--\r\n")
    }

    @Test func idsArePathSafe() {
        #expect(BatchClient.pathSegment("batch_abc-1") == "batch_abc-1")
        #expect(BatchClient.pathSegment("a/b?c") == "a%2Fb%3Fc")
    }
}
