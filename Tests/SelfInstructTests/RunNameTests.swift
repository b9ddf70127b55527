import SelfInstruct
import Testing

@Suite("Run names: a documented character set and length")
struct RunNameTests {
    @Test func namesOfTheDocumentedSetPass() {
        for name in ["demo", "e2e-si", "run_7.v2", "A", "9lives", "self-instruct-20261207-050518", String(repeating: "x", count: 64)] {
            #expect(RunName.problem(name) == nil, "\(name)")
        }
    }

    @Test func everyOtherNameIsRefusedWithTheReason() throws {
        #expect(RunName.problem("") == "must not be empty")
        #expect(try #require(RunName.problem(String(repeating: "x", count: 65))).contains("at most 64"))
        #expect(try #require(RunName.problem("-flag")).contains("start with a letter or digit"))
        #expect(try #require(RunName.problem(".hidden")).contains("start with a letter or digit"))
        #expect(try #require(RunName.problem("a b")).contains("U+20"))
        #expect(try #require(RunName.problem("a/b")).contains("'/'"))
        #expect(try #require(RunName.problem("caf\u{e9}")).contains("'\u{e9}'"))
        #expect(try #require(RunName.problem("a\tb")).contains("U+9"))
    }
}
