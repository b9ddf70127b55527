import Testing
@testable import SelfInstruct

@Suite struct ClassificationAnswerTests {
    @Test(arguments: [" Yes", "yes", "YES\n", "\tYes "])
    func referenceYes(text: String) {
        #expect(ClassificationAnswer(parsing: text, mode: .referenceExact) == .yes)
        #expect(ClassificationAnswer(parsing: text, mode: .robust) == .yes)
    }

    @Test(arguments: ["", " ", " No", "no", "Yes.", "yES", "Yes, it is", "Task", "Y"])
    func referenceTreatsEverythingElseAsNo(text: String) {
        #expect(ClassificationAnswer(parsing: text, mode: .referenceExact) == .no)
        #expect(ClassificationAnswer(parsing: text, mode: .referenceExact).isClassification == false)
    }

    @Test(arguments: [
        (" No", ClassificationAnswer.no), ("NO", .no), ("no.", .no), ("Yes.", .yes), ("yES!", .yes),
        ("", .unparseable), ("   ", .unparseable), ("Yes, it is", .unparseable), ("Maybe", .unparseable),
        ("Task", .unparseable), ("Ｙｅｓ", .unparseable), ("Nope", .unparseable), (".", .unparseable),
    ])
    func robustIsTriState(text: String, expected: ClassificationAnswer) {
        #expect(ClassificationAnswer(parsing: text, mode: .robust) == expected)
        #expect(ClassificationAnswer(parsing: text) == expected)
    }

    @Test func isClassification() {
        #expect(ClassificationAnswer.yes.isClassification == true)
        #expect(ClassificationAnswer.no.isClassification == false)
        #expect(ClassificationAnswer.unparseable.isClassification == nil)
    }
}
