import SelfInstruct
import Testing

@Suite("JSON writer")
struct JSONWriterTests {
    static let awkward = "say \"hi\"\\\n\r\t\u{01}\u{1F}é中🦙\u{2028}\u{2029}/"

    @Test("the default form escapes U+2028 and U+2029; the minimal form only what RFC 8259 requires")
    func twoForms() {
        #expect(JSONWriter.quoted(Self.awkward) == #""say \"hi\"\\\n\r\t\u0001\u001fé中🦙\u2028\u2029/""#)
        #expect(JSONWriter.quoted(Self.awkward, escapingLineSeparators: false)
            == "\"say \\\"hi\\\"\\\\\\n\\r\\t\\u0001\\u001fé中🦙\u{2028}\u{2029}/\"")
        var out = "x"
        JSONWriter.appendQuoted("a\u{2028}", to: &out)
        #expect(out == #"x"a\u2028""#)
    }

    @Test("both forms read back as the same string", arguments: [true, false])
    func roundTrip(escapingLineSeparators: Bool) throws {
        for text in [Self.awkward, "", "plain", "\u{2028}", "\u{E2}", "ends with e2 80: \u{2000}"] {
            let quoted = JSONWriter.quoted(text, escapingLineSeparators: escapingLineSeparators)
            #expect(try JSONReader.parse(Array(quoted.utf8)) == .string(text))
        }
    }

    @Test("canonical key order is by UTF-8 bytes, so canonically equivalent spellings stay distinct and ordered")
    func canonicalOrder() {
        let composed = "\u{E9}"  // é, C3 A9
        let decomposed = "e\u{301}"  // e + combining acute, 65 CC 81
        #expect(JSONWriter.canonicalOrder(["b", composed, "a", decomposed, "Z", "_"]) == ["Z", "_", "a", "b", decomposed, composed])
    }

    @Test("a parsed value is written back with its numbers' text and its member order")
    func valueText() throws {
        let source = #"{"seed": 18446744073709551615, "b": [true, null, 1.50], "a": "x\"y", "hygiene": false}"#
        let text = JSONWriter.text(try JSONReader.parse(Array(source.utf8)))
        #expect(text == #"{"seed":18446744073709551615,"b":[true,null,1.50],"a":"x\"y","hygiene":false}"#)
        #expect(try JSONReader.parse(Array(text.utf8)) == JSONReader.parse(Array(source.utf8)))
    }
}
