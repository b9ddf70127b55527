// Stage 4 of Self-Instruct (spec §1.4): turning a stage-3 completion into (input, output) instances.
// Input-first completions (generation tasks) look like "Example 1\nList: …\nOutput: …\nExample 2 …";
// output-first completions (classification tasks) like "Class label: Positive\nSentence: …\nClass label: …".

/// Reads raw instance completions the way the reference does; filtering is `InstanceFilter`'s job.
public enum InstanceParser {
    /// Instances of a generation task (§1.4 "Generation tasks"), in text order.
    ///
    /// The text is trimmed; if it contains `Example\s?\d*\.?` (case-sensitive, anywhere, even inside a
    /// sentence) it is split there and each non-empty piece is one instance; else, if it contains an
    /// `Output\s*\d*\s*:` label, the whole text is one instance; else there are none.
    public static func generationInstances(from text: String) -> [TaskInstance] {
        let whole = ScalarText(PythonText.strip(text))
        let separators = whole.matches { exampleLabelEnd(in: whole, at: $0) }
        if !separators.isEmpty {
            return whole.pieces(between: separators)
                .map { whole.stripped($0) }
                .filter { !$0.isEmpty }
                .map { inputOutput(of: ScalarText(scalars: Array(whole.scalars[$0]))) }
        }
        if whole.matches({ fieldLabelEnd(in: whole, at: $0, name: outputName) }).isEmpty == false {
            return [inputOutput(of: whole)]
        }
        return []
    }

    /// Instances of a classification task (§1.4 "Classification tasks"), in text order.
    ///
    /// The text is split at each exact `Class label:`; the part before the first label is ignored. In each
    /// part (trimmed), the first line is the label (the output) and the rest, trimmed, the input.
    public static func classificationInstances(from text: String) -> [TaskInstance] {
        let whole = ScalarText(text)
        let labels = whole.occurrences(of: classLabel)
        guard !labels.isEmpty else { return [] }
        return whole.pieces(between: labels).dropFirst().map { range in
            let part = whole.stripped(range)
            guard let newline = whole.scalars[part].firstIndex(of: "\n") else {
                return TaskInstance(input: "", output: whole.string(part))
            }
            return TaskInstance(
                input: whole.strippedString((newline + 1)..<part.upperBound),
                output: whole.strippedString(part.lowerBound..<newline))
        }
    }

    /// The reference's `parse_input_output`: input before the first `Output…:` label, output up to the next
    /// one (or the end) and cut at any `Input…:` label, and a leading `Input…:` label removed from the input.
    /// Field labels such as "Paragraph:" stay in the input.
    static func inputOutput(of piece: ScalarText) -> TaskInstance {
        let outputLabels = piece.matches { fieldLabelEnd(in: piece, at: $0, name: outputName) }
        var input: String
        var output: String
        if let first = outputLabels.first {
            input = piece.strippedString(0..<first.lowerBound)
            let end = outputLabels.count > 1 ? outputLabels[1].lowerBound : piece.count
            output = piece.strippedString(first.upperBound..<end)
        } else {
            input = ""
            output = piece.strippedString(0..<piece.count)
        }
        let outputText = ScalarText(output)
        if let cut = outputText.matches({ fieldLabelEnd(in: outputText, at: $0, name: inputName) }).first {
            output = outputText.strippedString(0..<cut.lowerBound)
        }
        let inputText = ScalarText(input)
        if let labelEnd = fieldLabelEnd(in: inputText, at: 0, name: inputName) {
            input = inputText.strippedString(labelEnd..<inputText.count)
        } else {
            input = PythonText.strip(input)
        }
        return TaskInstance(input: input, output: output)
    }

    /// End of `Example\s?\d*\.?` at `index`; every part after the word is optional, so greedy is the match.
    static func exampleLabelEnd(in text: ScalarText, at index: Int) -> Int? {
        guard text.hasLiteral(exampleName, at: index) else { return nil }
        var i = index + exampleName.count
        if i < text.count && isPythonWhitespace(text[i]) { i += 1 }
        i = text.skipDigits(from: i)
        if i < text.count && text[i] == "." { i += 1 }
        return i
    }

    /// End of `<name>\s*\d*\s*:` at `index`. Backtracking can only move the colon onto a whitespace or a
    /// digit, so the greedy scan decides the match.
    static func fieldLabelEnd(in text: ScalarText, at index: Int, name: [Unicode.Scalar]) -> Int? {
        guard text.hasLiteral(name, at: index) else { return nil }
        var i = text.skipWhitespace(from: index + name.count)
        i = text.skipDigits(from: i)
        i = text.skipWhitespace(from: i)
        guard i < text.count, text[i] == ":" else { return nil }
        return i + 1
    }

    static let exampleName = Array("Example".unicodeScalars)
    static let outputName = Array("Output".unicodeScalars)
    static let inputName = Array("Input".unicodeScalars)
    static let classLabel = Array("Class label:".unicodeScalars)
}
