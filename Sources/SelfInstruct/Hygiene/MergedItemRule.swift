/// An output (or input) that runs on into the next generated item: the teacher wrote its own separator and
/// the next item ("…surgeries.\n##\n18. Instruction: …"), and the parser kept both as one field.
///
/// The sign is a line that starts with a numbered or `#`-marked `Instruction:` label after some text. A bare
/// "Instruction:" line is not enough (tasks about instructions write it), and tasks whose instruction talks
/// about instructions are never flagged: their outputs may be numbered instructions.
enum MergedItemRule {
    static let metaWords: Set<String> = ["instruction", "instructions"]

    static func applies(instructionWords: HygieneWords, field: String) -> Bool {
        if instructionWords.containsAny(metaWords) { return false }
        var seenText = false
        for line in field.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            if seenText, startsWithItemLabel(Array(line)) { return true }
            if line.contains(where: { !isPythonWhitespace($0) }) { seenText = true }
        }
        return false
    }

    /// `[#…] [digits .] Instruction :` at the start of the line, with at least the `#` or the number.
    static func startsWithItemLabel(_ line: [Unicode.Scalar]) -> Bool {
        var index = 0
        func skipSpaces() { while index < line.count, line[index] == " " || line[index] == "\t" { index += 1 } }
        skipSpaces()
        var marked = false
        while index < line.count, line[index] == "#" {
            index += 1
            marked = true
        }
        skipSpaces()
        let digitsStart = index
        while index < line.count, line[index].isASCII, ("0"..."9").contains(line[index]) { index += 1 }
        if index > digitsStart {
            skipSpaces()
            guard index < line.count, line[index] == "." else { return false }
            index += 1
            skipSpaces()
            marked = true
        }
        guard marked else { return false }
        let label = Array("instruction".unicodeScalars)
        guard index + label.count <= line.count,
              zip(line[index..<(index + label.count)], label).allSatisfy({ $0.properties.lowercaseMapping == String($1) })
        else { return false }
        index += label.count
        skipSpaces()
        return index < line.count && line[index] == ":"
    }
}
