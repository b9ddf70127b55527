import Foundation
import Testing
@testable import SelfInstruct

/// `zh` and `unicode` runs: tokens, near-duplicates, filters, prompts and seeds. English stays the reference
/// (the reference vectors and the 52K checks elsewhere cover that); here the English tokenizer is only shown to
/// see nothing in Chinese, which is what made a Chinese run's novelty filter a no-op.
@Suite struct ChineseLanguageTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func example(_ name: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent("examples/\(name)"), encoding: .utf8)
    }

    func f(_ a: String, _ b: String, _ language: RunLanguage = .zh) -> Double {
        RougeL.score(target: a, prediction: b, language: language).fmeasure
    }

    @Test func rougeScoresTokenizerSeesNothingInChinese() {
        #expect(RougeTokenizer.tokenize("写一首关于秋天的诗。").isEmpty)
        #expect(f("写一首关于秋天的诗。", "写一首关于秋天的诗。", .en) == 0)
        #expect(f("写一首关于秋天的诗。", "写一首关于秋天的诗。") == 1)
    }

    @Test func eachChineseCharacterIsATokenLatinWordsAndNumbersStayWhole() {
        #expect(RougeTokenizer.tokenize("用Python写一个函数，计算前100个质数。", language: .zh)
                == ["计", "算", "前", "100", "个", "质", "数", "用", "python", "写", "一", "个", "函", "数"])
        // Longest clause first; at equal length by sorted tokens ("100" before "python"), whatever the text's order.
        #expect(RougeTokenizer.tokenize("计算前100个质数，用Python写一个函数", language: .zh)
                == RougeTokenizer.tokenize("用Python写一个函数，计算前100个质数。", language: .zh))
        #expect(RougeTokenizer.tokenize("用Python写一个函数", language: .unicode) == ["用", "python", "写", "一", "个", "函", "数"])
        // Full-width letters and digits are the ASCII ones; punctuation of either width separates and is dropped.
        #expect(RougeTokenizer.tokenize("ＧＰＴ－４：「你好」", language: .zh) == ["gpt", "4", "你", "好"])
        // Words of other scripts are lower-cased and kept whole; kana are one token each, like Han.
        #expect(RougeTokenizer.tokenize("Über Straße, ДОМ и カタ", language: .unicode) == ["über", "straße", "дом", "и", "カ", "タ"])
    }

    @Test func traditionalCharactersFoldToSimplifiedInZhOnly() {
        #expect(RougeTokenizer.tokenize("請寫一篇關於學習的文章", language: .zh) == RougeTokenizer.tokenize("请写一篇关于学习的文章", language: .zh))
        #expect(RougeTokenizer.tokenize("請寫", language: .unicode) == ["請", "寫"])
        #expect(TraditionalChineseFolding.simplified.count > 300)
        // Every pair maps a character to a different Han character, and no simplified form is folded again.
        for (traditional, simplified) in TraditionalChineseFolding.simplified {
            #expect(traditional != simplified && ScriptClass.isHan(traditional) && ScriptClass.isHan(simplified))
            #expect(TraditionalChineseFolding.simplified[simplified] == nil)
        }
    }

    @Test func clausesComeInACanonicalOrderInZh() {
        let a = "预算在五千元以内，推荐一款适合学生的笔记本电脑"
        let b = "推荐一款适合学生的笔记本电脑；预算在五千元以内。"
        #expect(RougeTokenizer.tokenize(a, language: .zh) == RougeTokenizer.tokenize(b, language: .zh))
        #expect(f(a, b) == 1)
        // Without the canonical order only the longer clause is common.
        #expect(f(a, b, .unicode) < 0.7)
    }

    /// The canonical clause order must not turn a small edit into a reordering: change the first character of
    /// each clause of every multi-clause seed (the edit that moved clauses when they were ordered by their text, and
    /// let a quarter of such copies through) and the copy must still be rejected.
    @Test func aChangedFirstCharacterOfAClauseIsStillANearDuplicate() throws {
        let seeds = SeedLoader.load(Array(try Self.example("zh_seed_tasks.jsonl").utf8), fileName: "zh_seed_tasks.jsonl")
        var edits = 0, caught = 0
        for task in seeds.tasks {
            let scalars = Array(task.instruction.unicodeScalars)
            let starts = [0] + scalars.indices.filter { "，；".unicodeScalars.contains(scalars[$0]) && $0 + 1 < scalars.count }.map { $0 + 1 }
            guard starts.count > 1 else { continue }
            for start in starts {
                // 一 (U+4E00) sorts before every other character, the hardest case for an order by sorted tokens.
                for replacement in ["某", "一", "龙"] where scalars[start] != replacement.unicodeScalars.first! {
                    var edited = scalars
                    edited[start] = replacement.unicodeScalars.first!
                    var view = String.UnicodeScalarView()
                    view.append(contentsOf: edited)
                    edits += 1
                    if f(task.instruction, String(view)) > 0.7 { caught += 1 }
                }
            }
        }
        print("zh clause-first-character edits: \(caught) of \(edits) rejected as near-duplicates")
        #expect(edits > 50)
        #expect(caught == edits)
    }

    /// examples/zh_near_duplicates.tsv: a few characters changed, clauses reordered, traditional script, mixed
    /// Chinese and English, and genuinely different requests that share words.
    @Test func nearDuplicatesAreRejectedAndDifferentRequestsKept() throws {
        let rows = try Self.example("zh_near_duplicates.tsv").split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.count >= 30)
        var byCategory: [String: Int] = [:]
        for row in rows {
            try #require(row.count == 4, "\(row)")
            let (category, original, variant, expected) = (row[0], row[1], row[2], row[3])
            byCategory[category, default: 0] += 1
            let score = f(original, variant)
            if expected == "duplicate" {
                #expect(score > 0.7, "\(category): \(original) / \(variant): F \(score)")
                // The reference's tokenizer sees neither text, so this pair would have been admitted twice.
                #expect(f(original, variant, .en) == 0 || original.unicodeScalars.contains { $0.isASCII && $0.properties.isAlphabetic })
            } else {
                #expect(expected == "distinct")
                #expect(score <= 0.7, "\(category): \(original) / \(variant): F \(score)")
            }
            // The filter decides the same: the original in the pool, the variant rejected exactly when a duplicate.
            var pool = AdmissionPool(threshold: 0.7, seedInstructions: [original], language: .zh)
            #expect(pool.evaluate(variant).keep == (expected == "distinct"), "\(category): \(variant)")
        }
        #expect(Set(byCategory.keys) == ["chars_changed", "reordered", "traditional", "different", "mixed"])
    }

    /// The indexed filter and the brute-force one decide identically on zh tokens (the index relies only on
    /// token ids, so this holds for any tokenizer); candidates recombine clauses of the seeds, so many are close.
    /// Kept small: brute force is quadratic, and a debug build shares the machine with timing-sensitive tests.
    @Test func indexedAndBruteForceDecideIdenticallyOnChinese() throws {
        let seeds = SeedLoader.load(Array(try Self.example("zh_seed_tasks.jsonl").utf8), fileName: "zh_seed_tasks.jsonl")
        #expect(seeds.errors.isEmpty)
        let pieces = seeds.tasks.flatMap { $0.instruction.split(whereSeparator: { "，。？、".contains($0) }).map(String.init) }
        var random = SeededRandom(seed: 14)
        let candidates = (0..<600).map { _ in
            (0..<(1 + random.uniform(below: 3))).map { _ in random.choice(pieces) }.joined(separator: "，") + "。"
        }
        var indexed = DedupRun(filter: NoveltyIndex(threshold: 0.7), seeds: seeds.tasks, language: .zh)
        var brute = DedupRun(filter: BruteForceNoveltyFilter(threshold: 0.7), seeds: seeds.tasks, language: .zh)
        var kept = 0
        for (index, text) in candidates.enumerated() {
            let a = indexed.decide(text, index: index), b = brute.decide(text, index: index)
            #expect(a == b, "candidate \(index) \(text)")
            if a.keep { kept += 1 }
        }
        // Both outcomes occur, so the comparison means something.
        #expect(kept > 50 && kept < 550)
    }

    @Test(arguments: [Recipe.selfInstruct, .alpaca])
    func chineseFiltersJudgeCharactersKeywordsAndTheFirstCharacter(recipe: Recipe) {
        let zh = InstructionHeuristics.forRecipe(recipe, language: .zh)
        #expect(zh.check("解释一下为什么天空是蓝色的。") == nil)
        #expect(zh.check("用Python写一个函数，计算斐波那契数列的第n项。") == nil)
        #expect(zh.check("2024年奥运会在哪里举办？") == nil)
        #expect(zh.check("讲个笑话。") == .tooFewCharacters(4))
        #expect(zh.check(String(repeating: "很长的句子", count: 61)) == .tooManyCharacters(305))
        // Chinese keywords match inside a sentence (Python's \b never would), traditional forms too.
        #expect(zh.check("根据这张图片写一段描述。") == .blacklistedKeyword("图片"))
        #expect(zh.check("根據這張圖片寫一段描述。") == .blacklistedKeyword("图片"))
        #expect(zh.check("画一只在月光下奔跑的猫。") == .blacklistedKeyword("画"))
        // 画 in another sense (portrayal, animation, an idiom) is no drawing request; a drawing request beside it is.
        #expect(zh.check("分析《红楼梦》中王熙凤的人物刻画。") == nil)
        #expect(zh.check("用一句话解释成语“画蛇添足”的意思。") == nil)
        #expect(zh.check("介绍一部动画电影，然后画出它的海报。") == .blacklistedKeyword("画"))
        // English keywords in mixed text match at Latin word edges, and not inside other words.
        #expect(zh.check("生成一张image来说明这个过程。") == .blacklistedKeyword("image"))
        #expect(zh.check("解释imagination在创作中的作用。") == nil)
        #expect(zh.check("编写一个程序来计算两个数的和。") == .startsWithWriteAProgram)
        #expect(zh.check("“春天”是什么季节的开始？") == .startsWithPunctuation)
        #expect(zh.check("Напиши короткое стихотворение про весну и дождь。") == .startsWithUnexpectedScript)
        let media = zh.check("为这段视频写一段简短的介绍。")
        #expect(media == (recipe == .alpaca ? .blacklistedKeyword("视频") : nil))
        // The reference filter rejects every Chinese instruction at its first character.
        #expect(InstructionHeuristics.forRecipe(recipe).check("解释一下为什么天空是蓝色的。") == .tooFewWords(1))
        #expect(InstructionHeuristics.forRecipe(recipe).check("请 解释 为什么 天空 是蓝色的。") == .startsWithNonASCII)
        #expect(InstructionHeuristics.forRecipe(recipe, language: .en) == InstructionHeuristics.forRecipe(recipe))
    }

    /// An instance cut off after a label ("输出：") is dropped as the reference drops one ending in ":".
    @Test func instancesEndingInAFullWidthColonAreDroppedOutsideEnglish() {
        let instances = [TaskInstance(input: "句子：今天天气很好。", output: "正面"), TaskInstance(input: "请判断下面的句子：", output: "负面")]
        var random = SeededRandom(seed: 1)
        let zh = InstanceFilter(language: .zh).apply(to: instances, finishReason: .stop, random: &random)
        #expect(zh.kept == [instances[0]] && zh.dropped.map(\.reason) == [.endsWithColon])
        let en = InstanceFilter().apply(to: instances, finishReason: .stop, random: &random)
        #expect(en.kept == instances)
    }

    @Test func unicodeFiltersAcceptAnyScriptButNotPunctuation() {
        let unicode = InstructionHeuristics.forRecipe(.alpaca, language: .unicode)
        #expect(unicode.check("Напиши короткое стихотворение про весну и дождь.") == nil)
        #expect(unicode.check("Écris un court poème sur la pluie d'automne.") == nil)
        #expect(unicode.check("¿Cuál es el río más largo de África y por qué?") == .startsWithPunctuation)
        // Lengths in words, as in English (a CJK character counts as one).
        #expect(unicode.check("Переведи этот текст на английский.") == nil)
        #expect(unicode.check("Traduis ce texte.") == .tooFewWords(3))
        #expect(unicode.check("この画像について説明してください。") == .blacklistedKeyword("画"))
    }

    @Test func chineseSeedTasksPassTheChineseFilters() throws {
        let seeds = SeedLoader.load(Array(try Self.example("zh_seed_tasks.jsonl").utf8), fileName: "zh_seed_tasks.jsonl")
        #expect(seeds.errors.isEmpty && seeds.tasks.count >= 40)
        for recipe in Recipe.allCases {
            let filter = InstructionHeuristics.forRecipe(recipe, language: .zh)
            for task in seeds.tasks { #expect(filter.check(task.instruction) == nil, "\(task.id): \(task.instruction)") }
        }
        #expect(seeds.tasks.contains { $0.isClassification == true } && seeds.tasks.contains { $0.isClassification == false })
    }

    /// The zh texts have v1's structure: the same labels the parsers and the simulator read, in the same numbers.
    @Test(arguments: PromptKind.allCases)
    func chinesePromptsKeepTheStructureOfTheEnglishOnes(kind: PromptKind) {
        let english = PromptLibrary.v1.text(for: kind), chinese = PromptLibrary.zhV1.text(for: kind)
        for label in ["Task:", "Is it classification? Yes", "Is it classification? No", "Output:", "Class label:", "Example 1", "<noinput>", "\n\n"] {
            #expect(chinese.components(separatedBy: label).count == english.components(separatedBy: label).count, "\(kind): \(label)")
        }
        #expect(chinese.hasSuffix("\n") == english.hasSuffix("\n") && chinese.hasSuffix("Task:") == english.hasSuffix("Task:"))
        let firstLine = chinese.prefix { $0 != "\n" }
        #expect(firstLine.unicodeScalars.contains { ScriptClass.isHan($0.value) })
        #expect(PromptLibrary.forLanguage(.zh) == .zhV1 && PromptLibrary.forLanguage(.en) == .v1 && PromptLibrary.forLanguage(.unicode) == .unicodeV1)
        // unicode-v1 is v1 but for Alpaca's language requirement.
        let unicode = PromptLibrary.unicodeV1.text(for: kind)
        #expect((unicode == english) == (kind != .alpacaInstructions))
        #expect(!unicode.contains("in English"))
        #expect(PromptLibrary.named("zh-v1") == .zhV1)
    }
}
