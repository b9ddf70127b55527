import Records
@testable import Stages
import SelfInstruct
import Testing

@Suite("The instance filter's hygiene step")
struct InstanceHygieneTests {
    @Test func anInstanceThatNormalisesIntoAKeptOneIsADuplicate() {
        let instances = [
            TaskInstance(input: "", output: "Paris"),
            TaskInstance(input: "<noinput>", output: "Paris"),
            TaskInstance(input: "", output: "Paris\u{200B}"),
            TaskInstance(input: "", output: "Lyon"),
        ]
        let outcome = FilterInstancesHandler.hygiene(instances, instruction: "Name a city in France.")
        #expect(outcome.kept == [TaskInstance(input: "", output: "Paris"), TaskInstance(input: "", output: "Lyon")])
        #expect(outcome.repeated.map(\.position) == [1, 2])
        #expect(outcome.repeated.allSatisfy { $0.reason == .duplicate })
    }

    @Test func aRemovedInstanceIsStoredWithoutItsControlCharacters() {
        let outcome = FilterInstancesHandler.hygiene([TaskInstance(input: "a\u{0}b", output: "\u{0}")], instruction: "Echo the input.")
        #expect(outcome.kept.isEmpty)
        #expect(outcome.removed.map(\.reason) == [.emptyOutput])
        #expect(outcome.removed.map(\.instance) == [TaskInstance(input: "ab", output: "")])
    }
}
