import Foundation
import SelfInstruct
import Testing

@Suite("Dead-letter bodies and keys PostgreSQL can always store")
struct DeadLetterBodyTests {
    @Test func plainUTF8IsKeptAsItIs() {
        let stored = DeadLetterBody.stored(Array("{\"run\": 1, \"text\": \"héllo\"}".utf8))
        #expect(stored.text == "{\"run\": 1, \"text\": \"héllo\"}" && stored.encoding == "utf8" && !stored.truncated)
    }

    @Test(arguments: [[0x7B, 0x00, 0x7D], [0xFF, 0xFE, 0x41], [0xC3], Array(repeating: 0, count: 5)] as [[UInt8]])
    func aNulOrInvalidUTF8GoesInAsBase64(body: [UInt8]) throws {
        let stored = DeadLetterBody.stored(body)
        #expect(stored.encoding == "base64")
        #expect(!stored.text.unicodeScalars.contains("\u{0}"))
        let decoded = try #require(Data(base64Encoded: stored.text))
        #expect([UInt8](decoded) == body)
    }

    @Test func aBodyOverOneMebibyteIsCut() throws {
        let big = Array(repeating: UInt8(ascii: "a"), count: 2 << 20)
        let stored = DeadLetterBody.stored(big)
        #expect(stored.truncated && stored.encoding == "utf8" && stored.text.utf8.count == DeadLetterBody.maximumBytes)
        // A cut through a two-byte character drops the half character and stays text.
        let accented = Array(repeating: UInt8(ascii: "a"), count: DeadLetterBody.maximumBytes - 1) + Array("é and more".utf8)
        let cut = DeadLetterBody.stored(accented)
        #expect(cut.truncated && cut.encoding == "utf8" && cut.text.utf8.count == DeadLetterBody.maximumBytes - 1)
        let binary = DeadLetterBody.stored([0] + big)
        #expect(binary.truncated && binary.encoding == "base64")
        #expect(try #require(Data(base64Encoded: binary.text)).count == DeadLetterBody.maximumBytes)
    }

    @Test func keysNeverCollideAndRepeatForTheSameMessage() {
        let body = Array("x\u{0}y".utf8)
        #expect(DeadLetterBody.key(messageID: Array("generate/token/7".utf8), body: body) == "generate/token/7")
        let unsafe = [
            DeadLetterBody.key(messageID: nil, body: body),
            DeadLetterBody.key(messageID: nil, body: body + [1]),
            DeadLetterBody.key(messageID: Array("a\u{0}b".utf8), body: body),
            DeadLetterBody.key(messageID: [0xFF], body: body),
            DeadLetterBody.key(messageID: Array(repeating: UInt8(ascii: "k"), count: 201), body: body),
            DeadLetterBody.key(messageID: [], body: body),
        ]
        #expect(unsafe.allSatisfy { $0.hasPrefix("unsafe-id/") && $0.count == 10 + 64 })
        #expect(Set(unsafe).count == unsafe.count)
        #expect(DeadLetterBody.key(messageID: nil, body: body) == unsafe[0])
        #expect(DeadLetterBody.storableText("bad \u{0} byte") == "bad \\u0000 byte")
    }
}
