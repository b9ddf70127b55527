import Foundation
import SelfInstruct
import Testing
import TeacherSimulator
import TestSupport

// Chinese prompts get Chinese answers in exactly the formats of the English ones, read with the project's parsers.
// The tests check structure, numbering and that the text is Chinese; the zh filters' verdicts on this output are
// in ChineseLanguageTests and, end to end, ChinesePipelineTests.

@Suite("Chinese answers per prompt kind")
struct ChineseAnswerTests {
    static let selfInstructStops = ["\n\n", "\n16", "16.", "16 ."]

    @Test func instructionListIsChineseAndContinuesTheNumbering() async throws {
        try await SimulatorHarness.run { client in
            let full = try await client.complete(ChinesePrompts.instructionList(), ["temperature": 0.7]).texts[0]
            #expect(full.hasPrefix(" "))
            let numbers = full.matches(of: #/\n(\d+)\. /#).compactMap { Int($0.output.1) }
            #expect(numbers == Array(10...16) || (numbers.first == 10 && full.contains("\n\n")))
            let items = SelfInstructInstructionParser.splitItems(full).map { PythonText.normalizeWhitespace($0) }
            #expect(items.count == numbers.count + 1)
            #expect(items.allSatisfy { ChinesePrompts.isChinese($0) }, "\(items)")

            let stopped = try await client.complete(ChinesePrompts.instructionList(), ["temperature": 0.7, "stop": Self.selfInstructStops])
            #expect(stopped.finishReasons == ["stop"])
            #expect((1...7).contains(selfInstructItems(stopped.texts[0]).count))
            #expect(!stopped.texts[0].contains("\n16"))
        }
    }

    @Test func classificationListsYieldChineseClassificationTasks() async throws {
        try await SimulatorHarness.run { client in
            let list = try await client.complete(
                ChinesePrompts.instructionList(Array(ChinesePrompts.seeds.prefix(5)), classification: true), ["stop": Self.selfInstructStops]
            ).texts[0]
            let tasks = selfInstructItems(list)
            #expect(tasks.count >= 3)
            #expect(tasks.allSatisfy { ChinesePrompts.isChinese($0) })
            let answers = try await client.complete(
                tasks.map(ChinesePrompts.isClassification), ["temperature": 0, "max_tokens": 3, "stop": ["\n", "Task"]]
            ).texts
            let yes = answers.filter { ClassificationAnswer(parsing: $0, mode: .robust) == .yes }.count
            #expect(yes >= tasks.count - 1, "\(zip(tasks, answers).map { "\($0.0) → \($0.1)" })")
        }
    }

    @Test(arguments: [
        ("判断以下关于外卖的评论的情感倾向：正面、负面或中性。", " Yes"),
        ("判断给定的关于台风的说法是正确还是错误。", " Yes"),
        ("以下句子带有讽刺意味吗？回答是或否。", " Yes"),
        ("把下面的新闻标题归入下列类别之一：体育、政治、科技或健康。", " Yes"),
        ("判断下面这条短信是不是诈骗短信。", " Yes"),
        ("写一首关于秋天落叶的短诗。", " No"),
        ("用三句话总结以下文章。", " No"),
        ("大学生怎样才能更好地管理时间？", " No"),
    ])
    func isClassificationAnswers(task: String, expected: String) async throws {
        try await SimulatorHarness.run { client in
            let result = try await client.complete(ChinesePrompts.isClassification(task), ["temperature": 0, "max_tokens": 3, "stop": ["\n", "Task"]])
            #expect(result.texts == [expected])
        }
    }

    @Test func outputFirstGivesChineseLabelledInputs() async throws {
        try await SimulatorHarness.run { client in
            let task = "判断以下关于桌游的评论的情感倾向：正面、负面或中性。"
            let texts = try await client.complete(ChinesePrompts.outputFirst(task), ["n": 6, "temperature": 0.7, "stop": ["Example 6", "Task:"]]).texts
            for text in texts {
                let instances = InstanceParser.classificationInstances(from: text)
                #expect(instances.count >= 2, "\(text)")
                #expect(instances.allSatisfy { ["正面", "负面", "中性"].contains($0.output) }, "\(text)")
                #expect(instances.allSatisfy { $0.input == "评论：" || ($0.input.hasPrefix("评论：") && ChinesePrompts.isChinese($0.input)) }, "\(text)")
            }
        }
    }

    @Test func inputFirstGivesChineseExamplesOrADirectOutput() async throws {
        try await SimulatorHarness.run { client in
            let withInput = try await client.complete(ChinesePrompts.inputFirst("将给定的数字按从小到大的顺序排列。"), ["temperature": 0]).texts[0]
            #expect(withInput.hasPrefix("Example 1\n列表："))
            let first = InstanceParser.generationInstances(from: withInput)[0]
            let numbers = first.input.dropFirst("列表：".count).split(separator: "、").compactMap { Int($0) }
            let sorted = first.output.split(separator: "、").compactMap { Int($0) }
            #expect(!numbers.isEmpty && sorted == numbers.sorted())

            let summary = try await client.complete(ChinesePrompts.inputFirst("用三句话总结以下关于远程办公的文章。"), ["temperature": 0]).texts[0]
            let instances = InstanceParser.generationInstances(from: summary)
            #expect(!instances.isEmpty)
            #expect(instances.allSatisfy { ($0.input.isEmpty || $0.input.hasPrefix("文章：")) && ChinesePrompts.isChinese($0.output) }, "\(summary)")

            let direct = try await client.complete(ChinesePrompts.inputFirst("写一首关于初雪的短诗。"), ["temperature": 0]).texts[0]
            #expect(direct.hasPrefix("Output:"))
            #expect(!direct.contains("Example"))
            #expect(ChinesePrompts.isChinese(InstanceParser.generationInstances(from: direct)[0].output))
        }
    }

    /// Chinese instances survive the instance filter at about the English rate, and its rules reject some of them.
    @Test func instanceYieldAndInvalidInstances() async throws {
        let (validPerTask, chineseShare, rejections) = try await SimulatorHarness.run { client in
            var tasks: [String] = []
            for seed in 0..<12 {
                let text = try await client.complete(ChinesePrompts.instructionList(), ["seed": seed, "stop": Self.selfInstructStops]).texts[0]
                tasks += selfInstructItems(text)
            }
            var clf: [Bool] = []
            for chunk in stride(from: 0, to: tasks.count, by: 20) {
                let slice = Array(tasks[chunk..<min(chunk + 20, tasks.count)])
                clf += try await client.complete(slice.map(ChinesePrompts.isClassification), ["temperature": 0]).texts
                    .map { ClassificationAnswer(parsing: $0, mode: .robust) == .yes }
            }
            var valid = 0
            var prose = 0, chinese = 0
            var rejections: [InstanceDropReason: Int] = [:]
            var random = SeededRandom(seed: 7)
            for seed in 0..<6 {
                for chunk in stride(from: 0, to: tasks.count, by: 20) {
                    let range = chunk..<min(chunk + 20, tasks.count)
                    let prompts = range.map { clf[$0] ? ChinesePrompts.outputFirst(tasks[$0]) : ChinesePrompts.inputFirst(tasks[$0]) }
                    let result = try await client.complete(prompts, ["seed": seed, "temperature": 0, "max_tokens": 600, "stop": ["Example 6", "Task:"]])
                    for (offset, index) in range.enumerated() {
                        let completion = Completion(text: result.texts[offset], finishReason: result.finishReasons[offset] == "length" ? .length : .stop)
                        let parsed = InstanceFilter().process(completion, isClassification: clf[index], random: &random)
                        valid += parsed.kept.count
                        // Code is code in any language, translations and language detection hold other languages;
                        // everything else is Chinese.
                        if !["函数", "程序", "代码", "翻译", "语言"].contains(where: tasks[index].contains) {
                            prose += parsed.kept.count
                            chinese += parsed.kept.filter { ChinesePrompts.isChinese($0.input + $0.output) }.count
                        }
                        for dropped in parsed.dropped { rejections[dropped.reason, default: 0] += 1 }
                    }
                }
            }
            return (Double(valid) / Double(tasks.count * 6), Double(chinese) / Double(prose), rejections)
        }
        #expect(validPerTask > 1.3 && validPerTask < 1.9, "valid instances per instruction: \(validPerTask)")
        #expect(chineseShare > 0.97, "Chinese share of the kept instances: \(chineseShare)")
        for reason in [InstanceDropReason.inputEqualsOutput, .emptyOutput, .conflictingOutputs, .duplicate] {
            #expect((rejections[reason] ?? 0) > 0, "no instance rejected for \(reason)")
        }
    }

    @Test func alpacaListIsChineseAndParses() async throws {
        try await SimulatorHarness.run { client in
            let result = try await client.complete(ChinesePrompts.alpaca(), ["max_tokens": 3072, "temperature": 1, "stop": ["\n20", "20.", "20."]])
            #expect(result.finishReasons == ["stop"])
            let items = alpacaItems(result.texts[0], finishReason: result.finishReasons[0])
            #expect(items.count >= 12)
            #expect(items.allSatisfy { !$0.instruction.isEmpty && !$0.output.isEmpty })
            #expect(items.contains { $0.input.isEmpty } && items.contains { !$0.input.isEmpty })
            #expect(items.filter { ChinesePrompts.isChinese($0.instruction) }.count >= items.count - 1)
            #expect(items.filter { ChinesePrompts.isChinese($0.output) || $0.output.contains("(") || $0.output.allSatisfy { !$0.isLetter } }.count >= items.count - 2)
            // The project's parser finds every item well-formed (the English heuristics may still reject the text); the
            // piece after the last `###`, emptied by the stop, is the only malformed one.
            let parsed = AlpacaResponseParser(mode: .robust).parse(Completion(text: result.texts[0], finishReason: .stop))
            let pieces = parsed.dropped.filter { !$0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            #expect(!pieces.contains { $0.reason == .malformedItem }, "\(pieces)")
            #expect(parsed.tasks.count + pieces.count == items.count)
        }
    }

    /// Many prompts, many choices: the grammar scales without repeating itself, stays Chinese and mostly 10–60
    /// characters long, and a few items are flawed on purpose.
    @Test func instructionsFromManyPromptsAreVariedAndChinese() async throws {
        let items = try await SimulatorHarness.run { client in
            var all: [String] = []
            for round in 0..<10 {
                var random = SeededRandom(seed: UInt64(round))
                let prompt = ChinesePrompts.instructionList(random.shuffled(ChinesePrompts.seeds))
                let result = try await client.complete(prompt, ["n": 30, "temperature": 0.7])
                for text in result.texts { all += SelfInstructInstructionParser.splitItems(text).map { PythonText.normalizeWhitespace($0) } }
            }
            return all
        }
        #expect(items.count >= 2000)
        let distinct = Double(Set(items).count) / Double(items.count)
        #expect(distinct >= 0.8, "distinct share: \(distinct)")
        #expect(items.allSatisfy { ChinesePrompts.containsHan($0) })
        #expect(Double(items.filter { ChinesePrompts.isChinese($0) }.count) / Double(items.count) > 0.97)
        let inRange = items.filter { (10...60).contains($0.count) }.count
        #expect(Double(inRange) / Double(items.count) > 0.85, "share of 10–60 characters: \(Double(inRange) / Double(items.count))")
        let blacklist = ["图片", "图像", "照片", "文件", "地图", "绘制", "画", "视频", "音频", "音乐", "流程图", "示意图"]
        let blacklisted = items.filter { item in blacklist.contains { item.contains($0) } }.count
        #expect(blacklisted > 0 && Double(blacklisted) / Double(items.count) < 0.03, "blacklisted: \(blacklisted)")
        #expect(items.contains { $0.count < 6 })
        #expect(items.contains { $0.hasPrefix("编写一个程序") })
        #expect(items.contains { $0.hasPrefix("“") })
        #expect(items.contains { $0.hasSuffix("？") || $0.contains("？") })
        // Near copies of the prompt's own examples.
        #expect(items.contains { item in ChinesePrompts.seeds.contains { item != $0 && (item == "请" + $0 || item.hasPrefix(String($0.dropLast()))) } })
    }

    @Test func otherChinesePromptsGetAShortChineseAnswer() async throws {
        try await SimulatorHarness.run { client in
            let result = try await client.complete("从前有座山，山里有座庙。", ["temperature": 0])
            #expect(!result.texts[0].isEmpty && result.texts[0].utf8.count < 400)
            #expect(ChinesePrompts.isChinese(result.texts[0]))
        }
    }

    /// The Chinese path draws no random number on the English one: every English answer is byte for byte what it was
    /// before Chinese support (the digest was taken from the simulator without it).
    @Test func englishAnswersAreUnchanged() async throws {
        let digest = try await SimulatorHarness.run { client in
            var hasher = SHA256()
            var tasks: [String] = []
            for seed in 0..<3 {
                let text = try await client.complete(Prompts.instructionList(), ["seed": seed, "stop": ["\n\n", "\n16"]]).texts[0]
                tasks += selfInstructItems(text)
            }
            let fixed = [
                Prompts.instructionList(), Prompts.instructionList(Array(Prompts.seeds.prefix(5)), classification: true), Prompts.alpaca(),
                Prompts.outputFirst("Classify the sentiment of the given review about board games as positive, negative, or neutral."),
                Prompts.inputFirst("Sort the given list of numbers in ascending order."), Prompts.inputFirst("Write a haiku about the first snow of winter."),
                "Once upon a time",
            ]
            let prompts = fixed + tasks.map(Prompts.isClassification) + tasks.map(Prompts.outputFirst) + tasks.map(Prompts.inputFirst)
            for seed in 0..<4 {
                let result = try await client.complete(prompts, ["seed": seed, "n": 3, "temperature": 0.7])
                for text in result.texts { hasher.update(text + "\u{1}") }
            }
            return SHA256.hex(hasher.finalize())
        }
        #expect(digest == "7c1e6806fc9462896a168186f6caee0c3c2f7e73b4ec508ca48455d43152f0f3")
    }

    /// A Chinese prompt may carry an English seed as its task: the task is read (and answered) in English.
    @Test func englishTaskInAChinesePromptIsReadInEnglish() async throws {
        try await SimulatorHarness.run { client in
            let answer = try await client.complete(ChinesePrompts.isClassification("Is the following sentence sarcastic? Answer yes or no."), ["temperature": 0]).texts[0]
            #expect(answer == " Yes")
            let instances = try await client.complete(ChinesePrompts.inputFirst("Sort the given list of numbers in ascending order."), ["temperature": 0]).texts[0]
            #expect(instances.hasPrefix("Example 1\nList: "))
        }
    }
}
