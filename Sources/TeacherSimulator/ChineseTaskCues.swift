// Reads a Chinese task text the way `TaskProfile` reads an English one: whether it is a classification task,
// its labels, whether it needs an input, the field name of that input, its family and its topic. Chinese has no
// word boundaries, so the cues are substrings; the Chinese word banks keep them out of the places where they
// would mislead (see `ChineseWordBanks`).

enum ChineseTaskCues {
    static let classificationCues = [
        "分类", "归类", "归入", "分为", "某一类", "判断", "判定", "情感倾向", "标注", "是或否", "是或不是", "还是", "是否", "类别", "哪一类",
        "属于哪", "所用的语言", "正确还是错误",
    ]

    /// Words that point at an input the task works on.
    static let inputCues = ["以下", "下面", "给定", "所给", "提供的", "这段", "这篇", "这句", "这封", "这条", "这份", "如下", "输入"]

    /// (cue in the text, field name written before the input).
    static let fieldCues: [(String, String)] = [
        ("函数", "代码"), ("代码", "代码"), ("邮件", "邮件"), ("微博", "微博"), ("推文", "微博"), ("标题", "标题"), ("评论", "评论"),
        ("点评", "评论"), ("影评", "评论"), ("留言", "留言"), ("新闻报道", "新闻报道"), ("文章", "文章"), ("故事", "故事"),
        ("段落", "段落"), ("短文", "短文"), ("来信", "信件"), ("信件", "信件"), ("帖子", "帖子"), ("会议记录", "会议记录"),
        ("演讲稿", "演讲稿"), ("问题", "问题"), ("提问", "问题"), ("列表", "列表"), ("数字", "数字"), ("动物", "动物"),
        ("食物", "食物"), ("说法", "说法"), ("陈述", "说法"), ("观点", "说法"), ("消息", "消息"), ("回复", "回复"), ("回答", "回答"),
        ("句子", "句子"), ("短语", "短语"), ("工单", "工单"), ("笔记", "笔记"), ("标语", "标语"), ("告示", "告示"), ("通知", "通知"),
        ("便条", "便条"), ("节选", "节选"), ("短信", "短信"), ("请求", "请求"), ("操作说明", "操作说明"), ("搜索结果", "搜索结果"),
        ("投诉", "投诉"), ("邀请", "邀请"), ("短段落", "段落"), ("文字", "文本"), ("文本", "文本"), ("评价", "评价"),
        ("新闻", "新闻"), ("新闻标题", "标题"), ("博客标题", "标题"), ("文言文", "句子"), ("英文", "句子"), ("诗词", "诗句"),
        ("古诗", "诗句"), ("成语", "成语"), ("材料", "材料"),
    ]

    /// The profile of a Chinese `instruction`.
    static func profile(of instruction: String) -> TaskProfile {
        // Self-Instruct lower-cases everything but the first character, so ASCII words ("Python") are compared lower-cased.
        let text = instruction.lowercased()
        let topic = self.topic(in: instruction)
        // Topic words ("公开演讲", "网课") must not be taken for the input's field or the task's family.
        let rest = topic.bank.isEmpty ? text : text.replacingFirst(topic.bank.lowercased(), with: "")
        let classification = classificationCues.contains { text.contains($0) }
        let family: TaskProfile.Family = classification ? .classification : self.family(rest)
        return TaskProfile(
            instruction: instruction,
            isClassification: classification,
            labels: classification ? labels(in: text) : [],
            needsInput: classification || inputCues.contains { rest.contains($0) },
            fieldName: fieldName(rest, family: family),
            family: family,
            topic: topic.phrase
        )
    }

    // MARK: Family

    private static func family(_ text: String) -> TaskProfile.Family {
        if text.contains("函数") || text.contains("代码") || text.contains("程序") {
            if text.contains("错误") || text.contains("bug") { return .findBug }
            if text.contains("作用") || text.contains("做什么") { return .explainCode }
            return .code
        }
        if text.contains("排列") || text.contains("排序") { return .sort }
        if text.contains("换算") { return .convert }
        if text.contains("计算") { return .calculate }
        // `翻译成`, not `翻译`: a translator (翻译) is also a role in the banks.
        if text.contains("翻译成") || text.contains("译成") { return .translate }
        if ["总结", "概括", "概述", "摘要"].contains(where: text.contains) { return .summarize }
        if text.contains("提取") || text.contains("找出所有") { return .extract }
        if text.contains("标题") && (text.contains("拟") || text.contains("起")) { return .title }
        if ChineseWordBanks.counts.contains(where: { text.contains("出\($0)道") }) { return .questions }
        if text.contains("续写") { return .continueStory }
        if text.contains("论点") { return .argument }
        if ["改正", "纠正", "修改"].contains(where: text.contains) && text.contains("错") || ["语病", "病句"].contains(where: text.contains) {
            return .correct
        }
        if ["改写", "重写", "润色", "改成"].contains(where: text.contains) { return .rewrite }
        if text.hasPrefix("回答") { return .answerQuestion }
        let listVerb = (ChineseWordBanks.listVerbs + ["给出", "提出", "写出"]).contains(where: text.contains)
            || (text.hasPrefix("为") && text.contains("想"))
        if listVerb, ChineseWordBanks.counts.contains(where: { count in ["个", "条", "种", "本", "位"].contains { text.contains(count + $0) } }) {
            return .list
        }
        if ["写", "创作", "撰写", "起草", "构思", "制定", "设计", "拟定", "安排", "整理成", "回复", "回应"].contains(where: text.contains) {
            return .write
        }
        return .generic
    }

    // MARK: Labels

    /// Labels named in a classification instruction (`…：甲、乙或丙`, `…是甲还是乙`); 是/否 otherwise.
    static func labels(in quoted: String) -> [String] {
        // Labels may be quoted (`回答“是”或“否”`); the quotes are not part of them.
        let text = quoted.filter { !"“”\"「」‘’'".contains($0) }
        if text.contains("是或否") { return ["是", "否"] }
        if text.contains("是或不是") { return ["是", "不是"] }
        if text.contains("正确还是错误") { return ["正确", "错误"] }
        let fallback = text.contains("情感") ? ["正面", "负面"] : ["是", "否"]
        // The first sentence that offers a choice; the tails after it never do.
        let sentences = text.split { "。？！?!；".contains($0) }
        guard let sentence = sentences.first(where: { $0.contains("或") || $0.contains("还是") }) else { return fallback }
        let conjunctions = ["还是", "或者", "或"]
        var best: Range<Substring.Index>? = nil
        for conjunction in conjunctions {
            if let range = sentence.ranges(of: conjunction).last, best.map({ range.lowerBound > $0.lowerBound }) ?? true {
                best = range
            }
        }
        guard let orRange = best else { return fallback }
        var left = sentence[..<orRange.lowerBound]
        while let last = left.last, "，、 ".contains(last) { left = left.dropLast() }
        // The last label ends at the first comma: what follows is a tail (`…或中性，要具体一些`).
        let right = sentence[orRange.upperBound...].prefix { !"，,".contains($0) }.trimmingCharacters(from: "、 ")
        // The list starts after the last marker that introduces it.
        var start: Substring.Index? = nil
        for marker in ["：", ":", "分为", "归为", "分类为", "归类为", "属于", "是", "为", "，"] {
            if let range = left.ranges(of: marker).last, start.map({ range.upperBound > $0 }) ?? true { start = range.upperBound }
        }
        // Without a marker (`出自唐代还是宋代`) the labels are taken to be as long as the last one.
        let listStart = start ?? left.index(left.endIndex, offsetBy: -min(right.count, left.count))
        var items = left[listStart...].split(separator: "、").map { $0.trimmingCharacters(from: "，。 ") }
        items.append(right)
        let valid = items.count >= 2 && items.count <= 8 && items.allSatisfy { !$0.isEmpty && $0.count <= 8 }
        return valid ? items : fallback
    }

    // MARK: Field and topic

    /// The field name of the input: the first document word after the determiner, else the first anywhere.
    private static func fieldName(_ text: String, family: TaskProfile.Family) -> String {
        if [.sort, .calculate, .convert].contains(family) { return "列表" }
        var searched = Substring(text)
        if let determiner = inputCues.compactMap({ text.firstRange(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
            searched = text[determiner.upperBound...]
        }
        return firstField(in: searched) ?? firstField(in: Substring(text)) ?? "输入"
    }

    /// The field of the earliest cue in `text` (the longest cue where two start at the same place).
    private static func firstField(in text: Substring) -> String? {
        var best: (index: String.Index, length: Int, field: String)? = nil
        for (cue, field) in fieldCues {
            guard let range = text.firstRange(of: cue) else { continue }
            if let current = best, current.index < range.lowerBound || (current.index == range.lowerBound && current.length >= cue.count) {
                continue
            }
            best = (range.lowerBound, cue.count, field)
        }
        return best?.field
    }

    /// The topic as written (`大学生的时间管理`) and the bank entry it contains (`时间管理`, "" for none).
    static func topic(in instruction: String) -> (phrase: String, bank: String) {
        let bank = ChineseWordBanks.topics.filter { instruction.contains($0) }.max { $0.count < $1.count }
        if let bank {
            // A qualifier written before it (`<qualifier>的<topic>`) belongs to the topic.
            if let qualifier = ChineseWordBanks.qualifiers.first(where: { instruction.contains($0 + "的" + bank) }) {
                return (qualifier + "的" + bank, bank)
            }
            return (bank, bank)
        }
        for marker in ["关于", "有关"] {
            if let range = instruction.firstRange(of: marker) {
                let tail = instruction[range.upperBound...].prefix { !"的，。？：、".contains($0) }.prefix(8)
                if !tail.isEmpty { return (String(tail), "") }
            }
        }
        // `以春雨为题`, `以海洋为主题`.
        if let range = instruction.firstRange(of: "以"), let end = instruction[range.upperBound...].firstRange(of: "为") {
            let name = instruction[range.upperBound..<end.lowerBound]
            if (1...8).contains(name.count), instruction[end.upperBound...].hasPrefix("题") || instruction[end.upperBound...].hasPrefix("主题") {
                return (String(name), "")
            }
        }
        return ("这个话题", "")
    }
}

extension StringProtocol {
    /// The text without any of `characters` at either end.
    func trimmingCharacters(from characters: String) -> String {
        let kept = drop { characters.contains($0) }
        return String(kept.reversed().drop { characters.contains($0) }.reversed())
    }
}
