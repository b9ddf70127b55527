import Foundation
import SelfInstruct
import Testing
import TeacherSimulator
import TestSupport

// Each prompt kind's answer, checked with the reference pipelines' own parsing rules.

@Suite("Answer formats per prompt kind")
struct PromptKindTests {
    static let selfInstructStops = ["\n\n", "\n16", "16.", "16 ."]

    @Test func instructionListContinuesTheNumbering() async throws {
        try await SimulatorHarness.run { client in
            let full = try await client.complete(Prompts.instructionList(), ["temperature": 0.7]).texts[0]
            #expect(full.hasPrefix(" "))
            let numbers = full.matches(of: #/\n(\d+)\. /#).compactMap { Int($0.output.1) }
            #expect(numbers == Array(10...16) || (numbers.first == 10 && full.contains("\n\n")))
            let stopped = try await client.complete(Prompts.instructionList(), ["temperature": 0.7, "max_tokens": 1024, "stop": Self.selfInstructStops])
            #expect(stopped.finishReasons == ["stop"])
            let items = selfInstructItems(stopped.texts[0])
            #expect((1...7).contains(items.count))
            #expect(!stopped.texts[0].contains("\n16"))
        }
    }

    @Test func listsFromManyPromptsAreVariedAndMostlyWellFormed() async throws {
        let items = try await SimulatorHarness.run { client in
            var all: [String] = []
            for round in 0..<6 {
                let examples = (0..<8).map { Prompts.seeds[($0 + round) % Prompts.seeds.count] }
                let prompts = (0..<5).map { index in
                    var random = SeededRandom(seed: UInt64(round * 5 + index))
                    return Prompts.instructionList(random.shuffled(examples))
                }
                let result = try await client.complete(prompts, ["temperature": 0.7, "stop": Self.selfInstructStops])
                for text in result.texts { all += selfInstructItems(text) }
            }
            return all
        }
        #expect(items.count >= 150)
        #expect(Double(Set(items).count) / Double(items.count) > 0.9)
        let wordCounts = items.map { $0.split(separator: " ").count }
        let inRange = wordCounts.filter { (4...40).contains($0) }.count
        #expect(Double(inRange) / Double(items.count) > 0.9)
        let blacklist = ["image", "images", "graph", "graphs", "picture", "pictures", "file", "files", "map", "maps", "draw", "plot", "go to"]
        let blacklisted = items.filter { item in
            let words = item.lowercased().split { !$0.isLetter }.map(String.init)
            return blacklist.contains { words.contains($0) || item.lowercased().contains("go to") }
        }
        // A few should hit the blacklist so the filter has work, but only a few.
        #expect(Double(blacklisted.count) / Double(items.count) < 0.05)
        let questions = items.filter { $0.hasSuffix("?") }.count
        #expect(questions > 0)
        #expect(items.allSatisfy { $0.unicodeScalars.first.map(\.isASCII) == true })
    }

    @Test func classificationListsYieldClassificationTasks() async throws {
        try await SimulatorHarness.run { client in
            let list = try await client.complete(
                Prompts.instructionList(Array(Prompts.seeds.prefix(5)), classification: true),
                ["stop": Self.selfInstructStops]
            ).texts[0]
            let tasks = selfInstructItems(list)
            #expect(tasks.count >= 3)
            let answers = try await client.complete(tasks.map(Prompts.isClassification), ["temperature": 0, "max_tokens": 3, "stop": ["\n", "Task"]]).texts
            let yes = answers.filter { $0.trimmingCharacters(in: .whitespaces) == "Yes" }.count
            #expect(yes >= tasks.count - 1)
        }
    }

    @Test(arguments: [
        ("Classify the sentiment of the given tweet as positive, negative, or neutral.", " Yes"),
        ("Determine whether the following statement is true or false.", " Yes"),
        ("Is the following sentence sarcastic? Answer yes or no.", " Yes"),
        ("Write a short poem about autumn leaves.", " No"),
        ("Summarize the following article in three sentences.", " No"),
        ("How can I improve my time management?", " No"),
    ])
    func isClassificationAnswers(task: String, expected: String) async throws {
        try await SimulatorHarness.run { client in
            let result = try await client.complete(Prompts.isClassification(task), ["temperature": 0, "max_tokens": 3, "stop": ["\n", "Task"]])
            #expect(result.texts == [expected])
        }
    }

    @Test func outputFirstGivesLabelledInputs() async throws {
        try await SimulatorHarness.run { client in
            let task = "Classify the sentiment of the given review about board games as positive, negative, or neutral."
            let texts = try await client.complete(Prompts.outputFirst(task), ["n": 6, "temperature": 0.7, "stop": ["Example 6", "Task:"]]).texts
            for text in texts {
                let instances = parseInstances(text, classification: true)
                #expect(instances.count >= 2)
                #expect(instances.allSatisfy { ["Positive", "Negative", "Neutral"].contains($0.output) })
                #expect(instances.allSatisfy { $0.input.isEmpty || $0.input.hasPrefix("Review:") })
            }
        }
    }

    @Test func inputFirstGivesExamplesOrADirectOutput() async throws {
        try await SimulatorHarness.run { client in
            let withInput = try await client.complete(Prompts.inputFirst("Sort the given list of numbers in ascending order."), ["temperature": 0]).texts[0]
            #expect(withInput.hasPrefix("Example 1\nList: "))
            let first = parseInstances(withInput, classification: false)[0]
            let numbers = first.input.dropFirst("List: ".count).split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            let sorted = first.output.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            #expect(!numbers.isEmpty && sorted == numbers.sorted())

            let direct = try await client.complete(Prompts.inputFirst("Write a haiku about the first snow of winter."), ["temperature": 0]).texts[0]
            #expect(direct.hasPrefix("Output:"))
            #expect(!direct.contains("Example"))
        }
    }

    /// Over many generated tasks, about 1.6 valid instances per instruction survive the reference filters,
    /// and every filter rule rejects something.
    @Test func instanceYieldAndInvalidInstances() async throws {
        let (validPerTask, rejections) = try await SimulatorHarness.run { client in
            var tasks: [String] = []
            for seed in 0..<12 {
                let text = try await client.complete(Prompts.instructionList(), ["seed": seed, "stop": Self.selfInstructStops]).texts[0]
                tasks += selfInstructItems(text)
            }
            var clf: [Bool] = []
            for chunk in stride(from: 0, to: tasks.count, by: 20) {
                let slice = Array(tasks[chunk..<min(chunk + 20, tasks.count)])
                clf += try await client.complete(slice.map(Prompts.isClassification), ["temperature": 0]).texts
                    .map { $0.trimmingCharacters(in: .whitespaces) == "Yes" }
            }
            var valid = 0
            var rejections: [InstanceRejection: Int] = [:]
            for seed in 0..<6 {
                for chunk in stride(from: 0, to: tasks.count, by: 20) {
                    let range = chunk..<min(chunk + 20, tasks.count)
                    let prompts = range.map { clf[$0] ? Prompts.outputFirst(tasks[$0]) : Prompts.inputFirst(tasks[$0]) }
                    let result = try await client.complete(prompts, ["seed": seed, "temperature": 0, "max_tokens": 300, "stop": ["Example 6", "Task:"]])
                    for (offset, index) in range.enumerated() {
                        let parsed = parseInstances(result.texts[offset], classification: clf[index])
                        let filtered = filterInstances(parsed, truncated: result.finishReasons[offset] == "length")
                        valid += filtered.kept.count
                        for reason in filtered.rejected { rejections[reason, default: 0] += 1 }
                    }
                }
            }
            return (Double(valid) / Double(tasks.count * 6), rejections)
        }
        #expect(validPerTask > 1.3 && validPerTask < 1.9, "valid instances per instruction: \(validPerTask)")
        for reason in [InstanceRejection.inputEqualsOutput, .emptyOutput, .trailingColon, .conflictingOutputs, .duplicate] {
            #expect((rejections[reason] ?? 0) > 0, "no instance rejected for \(reason)")
        }
    }

    @Test func alpacaListParsesWithTheReferenceRules() async throws {
        try await SimulatorHarness.run { client in
            let result = try await client.complete(Prompts.alpaca(), ["max_tokens": 3072, "temperature": 1, "stop": ["\n20", "20.", "20."]])
            #expect(result.finishReasons == ["stop"])
            let items = alpacaItems(result.texts[0], finishReason: result.finishReasons[0])
            #expect(items.count >= 12)
            #expect(items.allSatisfy { !$0.instruction.isEmpty && !$0.output.isEmpty })
            #expect(items.contains { $0.input.isEmpty } && items.contains { !$0.input.isEmpty })
        }
    }

    @Test func otherPromptsGetAShortGenericAnswer() async throws {
        try await SimulatorHarness.run { client in
            let result = try await client.complete("Once upon a time", ["temperature": 0])
            #expect(result.finishReasons == ["stop"])
            #expect(!result.texts[0].isEmpty && result.texts[0].utf8.count < 400)
            #expect(selfInstructItems(result.texts[0]).count == 1)
        }
    }
}

