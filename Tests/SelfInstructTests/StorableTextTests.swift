import SelfInstruct
import Testing

@Suite("Text PostgreSQL can store") struct StorableTextTests {
    @Test("NUL characters are removed wherever they are; every other character, control or not, stays")
    func removesOnlyNUL() {
        #expect(StorableText.removingNUL("\u{0}a\u{0}\u{0}b\u{1B}\u{7}\tc\u{0}") == "ab\u{1B}\u{7}\tc")
        #expect(StorableText.removingNUL("\u{0}") == "")
        #expect(StorableText.removingNUL("é\u{0}🙂\r\n") == "é🙂\r\n")
        let clean = "no NUL here \u{1F}"
        #expect(StorableText.removingNUL(clean) == clean)
    }
}
