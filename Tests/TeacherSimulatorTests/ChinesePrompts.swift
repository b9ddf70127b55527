import Foundation

/// Chinese prompts in the protocol of the zh prompt texts: Simplified Chinese prose, ASCII English structural labels
/// (`Task:`, `Is it classification?`, `Example 1`, `Output:`, `Class label:`, `###`, numbering), field labels with a
/// full-width colon.
enum ChinesePrompts {
    static let seeds = [
        "给出三个保持健康的建议。", "以大海为题写一首短诗。", "将给定的数字列表按升序排列。", "判断句子的情感倾向是正面、负面还是混合。",
        "用三句话概括这篇文章。", "把下面的句子翻译成英文。", "中国面积最大的省份是哪一个？", "为一只新来的小猫起个名字。",
    ]

    static func instructionList(_ examples: [String] = seeds, classification: Bool = false) -> String {
        let header = classification ? "想出一系列分类任务。如果可以，请写出可能的输出类别标签。\n" : "想出一系列任务：\n"
        return header + examples.enumerated().map { "\($0.offset + 1). \($0.element)\n" }.joined() + "\(examples.count + 1)."
    }

    static func isClassification(_ task: String) -> String {
        "下面的任务能否被看作一个输出标签有限的分类任务？\n\n"
            + "Task: 给定一条外卖评价，判断顾客是否可能再次下单。\nIs it classification? Yes\n\n"
            + "Task: 以秋雨为题写一首五言绝句。\nIs it classification? No\n\n"
            + "Task: " + task + "\nIs it classification?"
    }

    static func outputFirst(_ task: String) -> String {
        "给定一个分类任务及其类别标签，为每个类别标签写一个属于该类别的输入。如果任务不需要输入，只需列出可能的类别标签。\n\n"
            + "Task: 判断句子的情感倾向是正面、负面还是混合。\n"
            + "Class label: 混合\n句子：酒店房间一尘不染，可前台在我们入住期间一直爱答不理。\n"
            + "Class label: 正面\n句子：导游风趣又耐心，古城的每个角落他都了如指掌。\n\n"
            + "Task: " + task + "\n"
    }

    static func inputFirst(_ task: String) -> String {
        "为下面的任务编写示例。能写多个示例时，请多写几个。如果任务不需要额外输入，直接给出输出。\n\n"
            + "Task: 说出三个与中国陆地接壤的国家。\nOutput: 俄罗斯、蒙古和越南。\n\n"
            + "Task: 将给定的数字列表按升序排列。\nExample 1\n列表：[14, 3, 27, -5, 8]\nOutput: [-5, 3, 8, 14, 27]\n\n"
            + "Task: " + task + "\n"
    }

    static func alpaca() -> String {
        "请你写出20条多样化的任务指令。这些指令将交给一个GPT模型去完成。\n\n20个任务的列表：\n"
            + "###\n1. Instruction: 给出三个保持健康的建议。\n1. Input:\n<noinput>\n1. Output:\n均衡饮食、规律作息、坚持运动。\n"
            + "###\n2. Instruction: 将下面的数字按从小到大排列。\n2. Input:\n3、1、2\n2. Output:\n1、2、3\n"
            + "###\n3. Instruction: 把下面的句子翻译成英文。\n3. Input:\n你好。\n3. Output:\nHello.\n###\n4. Instruction:"
    }

    /// Whether `text` contains a CJK ideograph.
    static func containsHan(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value) }
    }

    /// Whether `text` is written in Chinese: most of its letters are CJK ideographs (code and names may be Latin).
    static func isChinese(_ text: some StringProtocol) -> Bool {
        let letters = text.unicodeScalars.filter { $0.properties.isAlphabetic }
        let han = letters.filter { (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value) }
        return !han.isEmpty && han.count * 2 >= letters.count
    }
}
