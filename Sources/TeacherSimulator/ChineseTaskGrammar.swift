import SelfInstruct

// The Chinese counterpart of `TaskGrammar`: templates × topics × qualifiers × constraints × phrasings, as
// questions and imperatives, with and without input, and classification tasks whose labels are spelt out in the
// text. As in English, `ChineseTaskCues` reads classification, labels and input needs back from the text alone,
// so later prompts that carry only the text get consistent answers. Shares and flaw rates match the English grammar.

enum ChineseTaskGrammar {
    /// One new instruction. A small share is deliberately flawed so that the instruction filters have work.
    static func instruction(using rng: inout SeededRandom, classificationOnly: Bool) -> String {
        let roll = rng.unitDouble()
        if roll < 0.012 { return blacklisted(&rng) }
        if roll < 0.016 { return "编写一个程序，" + rng.pick(ChineseWordBanks.codeTasks) + "。" }
        if roll < 0.024 { return rng.pick(ChineseWordBanks.tooShort) }
        if roll < 0.027 { return "“" + rng.pick(ChineseWordBanks.topics) + "”——" + withoutInput(&rng) }
        if classificationOnly || rng.chance(TaskGrammar.classificationShare) { return classification(&rng) + classificationTail(&rng) }
        return rng.chance(TaskGrammar.inputShare) ? withInput(&rng) : withoutInput(&rng)
    }

    /// A near copy of `example` (one of the prompt's own tasks), as real models often produce.
    static func nearDuplicate(of example: String, using rng: inout SeededRandom) -> String {
        let text = PythonText.normalizeWhitespace(example)
        // A question keeps its question mark and gets a sentence of its own; anything else a clause.
        let question = text.hasSuffix("？") || text.hasSuffix("?")
        let body = text.hasSuffix("。") ? String(text.dropLast()) : text
        switch rng.uniform(below: 4) {
        case 0:
            if text.hasPrefix("请") { return body + (question ? "谢谢。" : "，谢谢。") }
            return (question ? "请问" : "请") + text
        case 1:
            if text.contains("给定的") { return text.replacingFirst("给定的", with: "以下的") }
            if text.contains("以下的") { return text.replacingFirst("以下的", with: "给定的") }
            return question ? text + "请简要说明理由。" : body + "，并简要说明理由。"
        case 2:
            return question ? text + "请具体一些。" : body + "，要具体一些。"
        default:
            return text
        }
    }

    static func blacklisted(_ rng: inout SeededRandom) -> String {
        fill(rng.pick(ChineseWordBanks.blacklistedTemplates), topic: topic(&rng))
    }

    // MARK: Pieces

    /// `template` with `{t}` replaced.
    static func fill(_ template: String, topic: String) -> String {
        template.replacingFirst("{t}", with: topic)
    }

    static func topic(_ rng: inout SeededRandom) -> String {
        let base = rng.pick(ChineseWordBanks.topics)
        return rng.chance(0.6) ? rng.pick(ChineseWordBanks.qualifiers) + "的" + base : base
    }

    /// `关于…的` with a varied phrase: more variable characters per task, fewer shared ones.
    static func about(_ rng: inout SeededRandom) -> String {
        let phrase = rng.pick(ChineseWordBanks.aboutPhrases)
        return fill(phrase, topic: topic(&rng))
    }

    /// Extra clauses for generation tasks: a constraint, an audience and/or a purpose.
    static func generationTail(_ rng: inout SeededRandom) -> String {
        var tail = ""
        if rng.chance(0.45) { tail += "，" + rng.pick(ChineseWordBanks.constraints) }
        if rng.chance(0.3) { tail += "，" + rng.pick(["写给", "讲给", "面向"]) + rng.pick(ChineseWordBanks.audiences) }
        if rng.chance(0.35) { tail += "，" + rng.pick(ChineseWordBanks.purposes) }
        return tail
    }

    /// Extra sentences for classification tasks: where the text comes from and how to answer.
    static func classificationTail(_ rng: inout SeededRandom) -> String {
        var tail = ""
        if rng.chance(0.45) { tail += "这段文字来自" + rng.pick(ChineseWordBanks.sources) + "。" }
        if rng.chance(0.55) { tail += rng.pick(ChineseWordBanks.classificationTails) }
        return tail
    }

    static func optionalConstraint(_ rng: inout SeededRandom, _ probability: Double = 0.5) -> String {
        rng.chance(probability) ? generationTail(&rng) : ""
    }

    /// `回答时…。` after a question, sometimes.
    static func answerConstraint(_ rng: inout SeededRandom, _ probability: Double) -> String {
        rng.chance(probability) ? "回答时" + rng.pick(ChineseWordBanks.constraints) + "。" : ""
    }

    static func opener(_ rng: inout SeededRandom, _ sentence: String) -> String {
        switch rng.uniform(below: 10) {
        case 0: return "请" + sentence
        case 1: return "我需要你" + sentence
        case 2: return "你的任务是：" + sentence
        default: return sentence
        }
    }

    /// `["甲", "乙", "丙"]` → `"甲、乙或丙"`; two items → `"甲或乙"`.
    static func listPhrase(_ items: [String], or conjunction: String = "或") -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: "、") + conjunction + items[items.count - 1]
        }
    }

    // MARK: Tasks without input

    static func withoutInput(_ rng: inout SeededRandom) -> String {
        switch rng.uniform(below: 17) {
        case 0, 1:
            let form = rng.choice(ChineseWordBanks.forms)
            return opener(&rng, "\(rng.pick(ChineseWordBanks.writeVerbs))一\(form.0)\(about(&rng))\(form.1)\(generationTail(&rng))。")
        case 2:
            let thing = rng.choice(ChineseWordBanks.listThings)
            return opener(&rng, "\(rng.pick(ChineseWordBanks.listVerbs))\(rng.pick(ChineseWordBanks.counts))\(thing.0)\(fill(thing.1, topic: topic(&rng)))\(generationTail(&rng))。")
        case 3:
            let audience = rng.chance(0.5) ? "对\(rng.pick(ChineseWordBanks.audiences))来说，" : ""
            return "\(audience)\(topic(&rng))的\(rng.pick(ChineseWordBanks.questionAdjectives))\(rng.pick(ChineseWordBanks.questionNouns))有哪些？\(answerConstraint(&rng, 0.4))"
        case 4:
            let goal = fill(rng.pick(ChineseWordBanks.goals), topic: topic(&rng))
            return "\(rng.pick(ChineseWordBanks.audiences))\(rng.pick(["怎样才能", "该如何", "可以怎样"]))\(goal)？\(answerConstraint(&rng, 0.4))"
        case 5:
            return opener(&rng, "\(rng.pick(["向", "给"]))\(rng.pick(ChineseWordBanks.audiences))\(rng.pick(["解释", "讲讲", "介绍一下"]))\(topic(&rng))\(optionalConstraint(&rng, 0.6))。")
        case 6:
            let first = rng.pick(ChineseWordBanks.topics)
            var second = rng.pick(ChineseWordBanks.topics)
            if second == first { second = rng.pick(ChineseWordBanks.topics) }
            if rng.chance(0.5) { return "比较\(first)和\(second)。" }
            return "从\(rng.pick(ChineseWordBanks.comparisonAspects))的角度比较\(first)和\(second)。"
        case 7:
            return opener(&rng, "\(rng.pick(["为", "替"]))对\(topic(&rng))感兴趣的\(rng.pick(ChineseWordBanks.audiences))\(rng.pick(["制定", "设计", "安排", "拟定"]))一份\(rng.pick(ChineseWordBanks.plans))\(optionalConstraint(&rng, 0.5))。")
        case 8:
            let language = rng.pick(ChineseWordBanks.programmingLanguages)
            let task = rng.pick(ChineseWordBanks.codeTasks)
            switch rng.uniform(below: 3) {
            case 0: return "用\(language)写一个函数，\(task)。"
            case 1: return "如何用\(language)写一个函数来\(task)？"
            default: return "用\(language)实现一个函数，\(task)\(rng.chance(0.5) ? "，并分析它的时间复杂度" : "")。"
            }
        case 9:
            let creative = rng.chance(0.5) ? "有创意的" : ""
            let theme = rng.chance(0.6) ? "，主题围绕\(topic(&rng))" : ""
            return "为一家\(rng.pick(ChineseWordBanks.businesses))想\(rng.pick(ChineseWordBanks.counts))个\(creative)\(rng.pick(ChineseWordBanks.creativeThings))\(theme)\(optionalConstraint(&rng, 0.4))。"
        case 10:
            return "为什么\(topic(&rng))对\(rng.pick(ChineseWordBanks.audiences))很重要？\(answerConstraint(&rng, 0.5))"
        case 11:
            let aspect = rng.pick(ChineseWordBanks.roleTopics).replacingFirst("{r}", with: rng.pick(ChineseWordBanks.roles))
            return "\(rng.pick(["描述", "谈谈", "讲讲"]))\(aspect)\(optionalConstraint(&rng, 0.6))。"
        case 12:
            return "假设你是一名\(rng.pick(ChineseWordBanks.roles))。\(rng.pick(["请解释", "描述一下", "写一段话说明", "跟朋友聊聊"]))你会如何应对\(topic(&rng))\(generationTail(&rng))。"
        case 13:
            return "\(rng.pick(["预测", "推测", "设想一下"]))\(topic(&rng))在\(rng.pick(ChineseWordBanks.horizons))会发生怎样的变化\(generationTail(&rng))。"
        case 14:
            return "为\(rng.pick(ChineseWordBanks.audiences))推荐\(rng.pick(ChineseWordBanks.counts))个适合\(rng.pick(ChineseWordBanks.occasions))的\(rng.pick(ChineseWordBanks.activities))，主题与\(topic(&rng))有关。"
        case 15:
            return opener(&rng, "简要介绍\(topic(&rng))的\(rng.pick(["发展历史", "来龙去脉", "基本原理", "现状", "争议"]))\(optionalConstraint(&rng, 0.6))。")
        default:
            return "\(topic(&rng))真的像人们说的那样\(rng.pick(["重要", "复杂", "昂贵", "危险", "有用", "难学"]))吗？\(rng.pick(["请说明理由。", "谈谈你的看法。", "请举例说明。", ""]))"
        }
    }

    // MARK: Tasks with input

    static func withInput(_ rng: inout SeededRandom) -> String {
        let the = rng.pick(ChineseWordBanks.determiners)
        switch rng.uniform(below: 16) {
        case 0, 1:
            return opener(&rng, "\(rng.pick(["总结", "概括", "简要概述"]))\(the)\(about(&rng))\(rng.pick(ChineseWordBanks.documents))\(optionalConstraint(&rng, 0.7))。")
        case 2:
            return opener(&rng, "\(rng.pick(ChineseWordBanks.rewriteVerbs))\(the)\(about(&rng))\(rng.pick(ChineseWordBanks.rewriteDocuments))，\(rng.pick(ChineseWordBanks.rewriteStyles))\(optionalConstraint(&rng, 0.4))。")
        case 3:
            return "提取\(the)\(about(&rng))\(rng.pick(ChineseWordBanks.documents))中提到的所有\(rng.pick(ChineseWordBanks.entities))\(rng.chance(0.4) ? "，并用逗号隔开列出" : "")。"
        case 4:
            return "把\(the)\(about(&rng))\(rng.pick(ChineseWordBanks.translationUnits))翻译成\(rng.pick(ChineseWordBanks.humanLanguages))\(optionalConstraint(&rng, 0.4))。"
        case 5:
            // Short, fixed templates: real models repeat these too, so they collide often.
            switch rng.uniform(below: 3) {
            case 0:
                let sortable = rng.choice(ChineseWordBanks.sortables)
                return "将\(the)\(sortable.0)按\(rng.pick(sortable.1))排列。"
            case 1:
                let conversion = rng.choice(ChineseWordBanks.conversions)
                return "把\(the)\(conversion.0)从\(conversion.1)换算成\(conversion.2)。"
            default:
                return "计算\(the)\(rng.pick(ChineseWordBanks.aggregatedLists))的\(rng.pick(ChineseWordBanks.aggregateTasks))。"
            }
        case 6:
            return "回答\(the)\(about(&rng))问题\(optionalConstraint(&rng, 0.8))。"
        case 7:
            return "改正\(the)\(about(&rng))\(rng.pick(ChineseWordBanks.documents))中的\(rng.pick(ChineseWordBanks.mistakeKinds))错误\(rng.chance(0.4) ? "，并逐条说明修改原因" : "")。"
        case 8:
            return "为\(the)\(about(&rng))\(rng.pick(ChineseWordBanks.documents))拟一个\(rng.pick(ChineseWordBanks.titleAdjectives))标题\(optionalConstraint(&rng, 0.5))。"
        case 9:
            let language = rng.pick(ChineseWordBanks.programmingLanguages)
            if rng.chance(0.5) {
                return "找出\(the)\(language)函数中的错误，这个函数用来\(rng.pick(ChineseWordBanks.codeTasks))\(rng.chance(0.5) ? "，并说明如何修复" : "")。"
            }
            let audience = rng.chance(0.7) ? "，讲给\(rng.pick(ChineseWordBanks.audiences))听" : ""
            return "解释\(the)\(language)代码的作用\(audience)\(rng.chance(0.5) ? "，" + rng.pick(ChineseWordBanks.constraints) : "")。"
        case 10:
            return "\(rng.pick(ChineseWordBanks.replyVerbs))\(the)\(about(&rng))\(rng.pick(ChineseWordBanks.replyDocuments))\(generationTail(&rng))。"
        case 11:
            let form = rng.choice(ChineseWordBanks.forms)
            return "把\(the)\(about(&rng))笔记整理成一\(form.0)\(form.1)\(generationTail(&rng))。"
        case 12:
            return "根据\(the)\(about(&rng))\(rng.pick(ChineseWordBanks.documents))，出\(rng.pick(ChineseWordBanks.counts))道\(rng.pick(ChineseWordBanks.questionPurposes))的问题。"
        case 13:
            return "续写\(the)\(about(&rng))故事，再写\(rng.pick(ChineseWordBanks.counts))句\(optionalConstraint(&rng, 0.4))。"
        case 14:
            return "阅读\(the)\(about(&rng))\(rng.pick(ChineseWordBanks.documents))，找出它的核心论点，并\(rng.pick(ChineseWordBanks.argumentTasks))\(optionalConstraint(&rng, 0.5))。"
        default:
            return "\(rng.pick(["分析", "描述"]))\(the)\(about(&rng))\(rng.pick(ChineseWordBanks.documents))的语气，并指出营造这种语气的词语\(optionalConstraint(&rng, 0.5))。"
        }
    }

    // MARK: Classification tasks (labels always named in the text)

    static func classification(_ rng: inout SeededRandom) -> String {
        let the = rng.pick(ChineseWordBanks.determiners)
        switch rng.uniform(below: 12) {
        case 0, 1:
            let labels = rng.choice(ChineseWordBanks.sentimentLabelSets)
            let document = "\(the)\(about(&rng))\(rng.pick(ChineseWordBanks.sentimentDocuments))"
            if rng.chance(0.5) {
                return "\(rng.pick(["判断", "分析", "识别", "判定"]))\(document)的情感倾向：\(listPhrase(labels))。"
            }
            return "把\(document)按情感倾向分为\(listPhrase(labels))。"
        case 2:
            let labels = rng.sample(ChineseWordBanks.categories, count: 3 + rng.uniform(below: 3))
            return "将\(the)来自\(rng.pick(ChineseWordBanks.sources))的\(rng.pick(ChineseWordBanks.headlineDocuments))\(rng.pick(["归入下列类别之一", "分到下列某一类中", "按主题分类"]))：\(listPhrase(labels))。"
        case 3:
            return "\(rng.pick(["判断", "判定", "核实一下"]))\(the)\(about(&rng))\(rng.pick(ChineseWordBanks.statementNouns))是正确还是错误。"
        case 4:
            return "\(the)\(about(&rng))\(rng.pick(["句子", "消息", "留言", "回复"]))\(rng.pick(ChineseWordBanks.sentenceProperties))吗？\(rng.pick(["回答是或否。", "请回答是或否。", "只回答是或否。"]))"
        case 5:
            let judgement = rng.choice(ChineseWordBanks.binaryJudgements)
            return "\(rng.pick(["判断", "判定", "告诉我"]))\(the)\(about(&rng))\(judgement.1)是\(listPhrase(judgement.0, or: "还是"))。"
        case 6:
            // Fixed templates with no topic slot: frequent near duplicates, as with real models.
            switch rng.uniform(below: 4) {
            case 0: return "判断\(the)数字是\(listPhrase(rng.choice(ChineseWordBanks.numberProperties), or: "还是"))。"
            case 1: return "把\(the)动物归类为\(listPhrase(ChineseWordBanks.animalClasses))。"
            case 2: return "识别\(the)句子所用的语言：\(listPhrase(rng.choice(ChineseWordBanks.detectedLanguages)))。"
            default: return "把\(the)食物分为\(listPhrase(rng.choice(ChineseWordBanks.foodClasses)))。"
            }
        case 7, 8:
            return "把\(the)\(about(&rng))\(rng.pick(ChineseWordBanks.documents))分类为\(listPhrase(rng.choice(ChineseWordBanks.documentJudgements)))。"
        case 9:
            return "告诉我\(the)\(about(&rng))\(rng.pick(ChineseWordBanks.sentimentDocuments))是\(listPhrase(rng.choice(ChineseWordBanks.documentJudgements), or: "还是"))。"
        case 10:
            return "按紧急程度把\(the)\(about(&rng))\(rng.pick(ChineseWordBanks.ticketDocuments))分为\(listPhrase(rng.choice(ChineseWordBanks.urgencyLabels)))。"
        default:
            let labels = rng.sample(ChineseWordBanks.categories, count: 3 + rng.uniform(below: 2))
            return "给\(the)来自\(rng.pick(ChineseWordBanks.sources))的\(rng.pick(ChineseWordBanks.sentimentDocuments))标注主题：\(listPhrase(labels))。"
        }
    }
}
