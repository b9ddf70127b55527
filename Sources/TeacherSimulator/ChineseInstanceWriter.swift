import SelfInstruct

// Chinese inputs and outputs for one task, derived from its profile, as `InstanceWriter` does in English:
// computed where that is cheap (sorting, sums, unit conversions, corrections) and templated prose otherwise.

enum ChineseInstanceWriter {
    /// An input for the task (without its field label), matching `label` when the task is classification.
    static func input(for profile: TaskProfile, label: String? = nil, using rng: inout SeededRandom) -> String {
        if profile.family == .correct {
            // A task that corrects mistakes needs mistakes to correct.
            return fill(rng.pick(ChineseWordBanks.flawedSentences), profile.topic)
        }
        // Only sentences with known translations, so that the output is a real translation.
        if profile.family == .translate { return rng.pick(translations.map(\.chinese)) }
        switch profile.fieldName {
        case "代码":
            return InstanceWriter.codeSnippet(language: InstanceWriter.language(in: profile.instruction), using: &rng)
        case "列表":
            return list(for: profile, using: &rng)
        case "数字":
            return InstanceWriter.number(matching: numberLabels[label ?? ""], using: &rng)
        case "动物":
            let matching = ChineseWordBanks.animals.filter { $0.1 == label }
            return rng.choice(matching.isEmpty ? ChineseWordBanks.animals : matching).0
        case "食物":
            let matching = ChineseWordBanks.foods.filter { $0.1 == label }
            return rng.choice(matching.isEmpty ? ChineseWordBanks.foods : matching).0
        case "问题":
            return fill(rng.pick(ChineseWordBanks.questions), profile.topic)
        case "段落", "文章", "故事", "邮件", "帖子", "信件", "短文", "会议记录", "演讲稿", "新闻报道", "文本", "节选", "笔记":
            return document(about: profile.topic, using: &rng)
        default:
            return sentence(about: profile.topic, label: label, using: &rng)
        }
    }

    /// The answer to the task for `input` ("" when the task takes none).
    static func output(for profile: TaskProfile, input: String, using rng: inout SeededRandom) -> String {
        let topic = profile.topic
        let text = profile.instruction.lowercased()
        switch profile.family {
        case .classification:
            return rng.choice(profile.labels)
        case .sort:
            let items = input.split(separator: "、").map { $0.trimmingWhitespace() }
            let numbers = items.compactMap { Double($0) }
            var sorted: [String]
            if numbers.count == items.count {
                sorted = zip(numbers, items).sorted { $0.0 < $1.0 }.map(\.1)
            } else {
                // Cities sort by their pinyin, other words by their letters.
                let key = { (item: String) in ChineseWordBanks.cities.first { $0.0 == item }?.1 ?? item.lowercased() }
                sorted = items.sorted { key($0) < key($1) }
            }
            if ["从大到小", "从高到低", "降序", "倒序"].contains(where: text.contains) { sorted.reverse() }
            return sorted.joined(separator: "、")
        case .calculate:
            let numbers = input.split(separator: "、").compactMap { Double($0.trimmingWhitespace()) }
            guard !numbers.isEmpty else { return "总和是0。" }
            if text.contains("平均") { return "平均值是\(InstanceWriter.format(numbers.reduce(0, +) / Double(numbers.count)))。" }
            if text.contains("之差") { return "最大值与最小值之差是\(InstanceWriter.format(numbers.max()! - numbers.min()!))。" }
            return "总和是\(InstanceWriter.format(numbers.reduce(0, +)))。"
        case .convert:
            let numbers = input.split(separator: "、").compactMap { Double($0.trimmingWhitespace()) }
            let factor = conversionFactor(text)
            return numbers.map { InstanceWriter.format(factor.scale * $0 + factor.offset) }.joined(separator: "、")
        case .translate:
            let language = ChineseWordBanks.humanLanguages.first { text.contains($0) } ?? "英语"
            let pair = translations.first { $0.chinese == input } ?? translations[0]
            return pair.translated[language] ?? pair.translated["英语"]!
        case .summarize:
            let first = input.prefix { $0 != "。" }
            return "简而言之，\(first)。"
        case .extract:
            let found = (ChineseWordBanks.people + ChineseWordBanks.places).filter { input.contains($0) }
            return found.isEmpty ? "未找到。" : found.joined(separator: "、")
        case .title:
            return fill(rng.pick(ChineseWordBanks.titles), topic)
        case .findBug:
            return rng.pick(ChineseWordBanks.bugFixes)
        case .explainCode:
            return "这段代码定义了一个函数，用来\(rng.pick(ChineseWordBanks.codeTasks))，并把结果返回给调用者。"
        case .questions:
            return (1...3).map { "\($0). " + fill(rng.pick(ChineseWordBanks.questions), topic) }.joined(separator: "\n")
        case .continueStory:
            return "谁也没想到接下来会发生什么。到了傍晚，\(rng.pick(ChineseWordBanks.places))的人都在谈论\(topic)。"
        case .argument:
            return "文章的核心论点是：\(topic)很重要，因为\(rng.pick(ChineseWordBanks.reasons))。不过文中的证据大多来自个人经历。"
        case .rewrite:
            return "换句话说：" + input
        case .correct:
            return corrections.reduce(input) { $0.replacingFirst($1.0, with: $1.1) }
        case .answerQuestion:
            return "\(topic)之所以重要，是因为\(rng.pick(ChineseWordBanks.reasons))。\(rng.pick(ChineseWordBanks.advice))"
        case .code:
            let language = InstanceWriter.language(in: profile.instruction)
            // The comment style of the snippet `InstanceWriter` writes for the language.
            let comment = language == "Python" ? "# " : "// "
            return comment + "参考实现，" + rng.pick(["可以按需要修改。", "附有简单的循环。", "假设输入合法。"]) + "\n"
                + InstanceWriter.codeSnippet(language: language, using: &rng)
        case .list:
            let things = ["名字", "口号", "广告语", "标语"].contains(where: text.contains) ? ChineseWordBanks.slogans : ChineseWordBanks.advice
            let count = ChineseWordBanks.counts.firstIndex { text.contains($0 + "个") || text.contains($0 + "条") || text.contains($0 + "种") }
                .map { min(5, $0 + 2) } ?? 3
            return (1...count).map { "\($0). " + rng.pick(things) }.joined(separator: "\n")
        case .write:
            if text.contains("诗") { return fill(rng.pick(ChineseWordBanks.poems), topic) }
            return "\(topic)远比看上去更有意思：\(rng.pick(ChineseWordBanks.reasons))。\(rng.pick(ChineseWordBanks.advice))"
        case .generic:
            return "\(topic)值得关注，因为\(rng.pick(ChineseWordBanks.reasons))。\(rng.pick(ChineseWordBanks.advice))"
        }
    }

    // MARK: Pieces

    static func fill(_ template: String, _ topic: String) -> String {
        template.replacingFirst("{t}", with: topic)
    }

    static func sentence(about topic: String, label: String?, using rng: inout SeededRandom) -> String {
        let bank: [String]
        switch label {
        case "正面"?, "积极"?: bank = ChineseWordBanks.positiveSentences
        case "负面"?, "消极"?: bank = ChineseWordBanks.negativeSentences
        case "褒贬参半"?: bank = ChineseWordBanks.mixedSentences
        case let language? where languageLabels[language] != nil:
            return InstanceWriter.foreignSentence(languageLabels[language]!, using: &rng)
        case let category? where ChineseWordBanks.categorySentences[category] != nil:
            // A topic label gets a text on that topic, so the label is right.
            return rng.pick(ChineseWordBanks.categorySentences[category]!)
        default: bank = ChineseWordBanks.neutralSentences
        }
        let sentence = fill(rng.pick(bank), topic)
        // A random name makes inputs of the same task differ, as real generations do.
        return rng.chance(0.5) ? sentence : "\(rng.pick(ChineseWordBanks.people))说：“\(sentence)”"
    }

    static func document(about topic: String, using rng: inout SeededRandom) -> String {
        let person = rng.pick(ChineseWordBanks.people), place = rng.pick(ChineseWordBanks.places)
        let opening = "\(place)的\(person)多年来一直在研究\(topic)。"
        let middle = rng.chance(0.3) ? fill(rng.pick(ChineseWordBanks.neutralSentences), topic) : ""
        return opening + middle + "\(person)认为，这件事之所以重要，是因为\(rng.pick(ChineseWordBanks.reasons))。"
    }

    /// Numbers, English words or cities joined by `、`, as the task asks.
    static func list(for profile: TaskProfile, using rng: inout SeededRandom) -> String {
        let count = 4 + rng.uniform(below: 4)
        if profile.family == .sort && profile.instruction.contains("单词") {
            return rng.sample(ChineseWordBanks.englishWords, count: count).joined(separator: "、")
        }
        if profile.family == .sort && profile.instruction.contains("城市") {
            return rng.sample(ChineseWordBanks.cities.map(\.0), count: count).joined(separator: "、")
        }
        return (0..<count).map { _ in String(1 + rng.uniform(below: 99)) }.joined(separator: "、")
    }

    static func conversionFactor(_ text: String) -> (scale: Double, offset: Double) {
        if text.contains("摄氏度换算成华氏度") { return (1.8, 32) }
        if text.contains("千米换算成英里") { return (0.621371, 0) }
        if text.contains("千克换算成磅") { return (2.20462, 0) }
        if text.contains("英寸换算成厘米") { return (2.54, 0) }
        if text.contains("升换算成加仑") { return (0.264172, 0) }
        if text.contains("小时换算成分钟") { return (60, 0) }
        return (1, 0)
    }

    /// Repairs for `ChineseWordBanks.flawedSentences`, applied in order.
    static let corrections: [(String, String)] = [
        ("以经", "已经"), ("应为", "因为"), ("写的很好", "写得很好"), ("在次", "再次"), ("认真的听", "认真地听"), ("我门", "我们"),
    ]

    /// Chinese number labels → the English labels `InstanceWriter.number(matching:)` knows.
    static let numberLabels: [String: String] = ["奇数": "odd", "偶数": "even", "质数": "prime", "合数": "composite", "负数": "negative", "正数": "positive"]

    /// Chinese language labels → the keys of `InstanceWriter.foreignSentence`.
    static let languageLabels: [String: String] = [
        "英语": "english", "法语": "french", "西班牙语": "spanish", "德语": "german", "意大利语": "italian", "葡萄牙语": "portuguese",
        "荷兰语": "dutch",
    ]

    /// Sentences with their translations, so translation outputs are real translations of the input.
    static let translations: [(chinese: String, translated: [String: String])] = [
        ("市场周六很早就开门。", [
            "英语": "The market opens early on Saturday.", "法语": "Le marché ouvre tôt le samedi.",
            "西班牙语": "El mercado abre temprano el sábado.", "德语": "Der Markt öffnet am Samstag früh.",
            "意大利语": "Il mercato apre presto il sabato.", "葡萄牙语": "O mercado abre cedo no sábado.",
            "荷兰语": "De markt gaat zaterdag vroeg open.", "日语": "市場は土曜日の朝早くに開きます。",
        ]),
        ("我哥哥正在学做饭。", [
            "英语": "My brother is learning to cook.", "法语": "Mon frère apprend à cuisiner.",
            "西班牙语": "Mi hermano está aprendiendo a cocinar.", "德语": "Mein Bruder lernt kochen.",
            "意大利语": "Mio fratello sta imparando a cucinare.", "葡萄牙语": "Meu irmão está aprendendo a cozinhar.",
            "荷兰语": "Mijn broer leert koken.", "日语": "兄は料理を習っています。",
        ]),
        ("请在进门前把伞收好。", [
            "英语": "Please close your umbrella before coming in.", "法语": "Veuillez fermer votre parapluie avant d'entrer.",
            "西班牙语": "Por favor, cierre su paraguas antes de entrar.", "德语": "Bitte schließen Sie Ihren Schirm, bevor Sie eintreten.",
            "意大利语": "Per favore, chiudete l'ombrello prima di entrare.", "葡萄牙语": "Por favor, feche o guarda-chuva antes de entrar.",
            "荷兰语": "Sluit uw paraplu voordat u binnenkomt.", "日语": "入る前に傘を閉じてください。",
        ]),
    ]
}
