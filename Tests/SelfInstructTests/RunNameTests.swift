import Testing
import SelfInstruct

@Suite struct RunNameTests {
    @Test(arguments: ["a", "alpaca52k", "Run-1.2_b", "0", String(repeating: "x", count: 64)])
    func acceptedNames(name: String) {
        #expect(RunName.problem(with: name) == nil)
    }

    @Test(arguments: [
        ("", "must not be empty"), ("-x", "starts with '-'"), (".hidden", "starts with '.'"), ("a b", "contains ' '"),
        ("a/b", "contains '/'"), ("café", "contains 'é'"), (String(repeating: "x", count: 65), "65 characters long"),
    ])
    func refusedNamesSayWhy(name: String, why: String) throws {
        let problem = try #require(RunName.problem(with: name))
        #expect(problem.contains(why))
        if !name.isEmpty { #expect(problem.contains("A-Z a-z 0-9 . _ -")) }
    }
}
