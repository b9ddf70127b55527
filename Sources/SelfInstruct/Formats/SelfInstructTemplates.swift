// The prompt/completion encoding of the Self-Instruct reference's fine-tuning data (spec §1.4): per instance, a
// coin flip that strips a lone field label from the input, then one of 7 templates (6 without input) drawn
// uniformly, and the end marker after the completion.

/// The reference's templates and input-label stripping.
public enum SelfInstructTemplates {
    /// The end marker after every completion.
    public static let endOfText = "<|endoftext|>"

    /// The sub-stream of the run seed for these draws (ASCII "SIFT").
    static let stream: UInt64 = 0x5349_4654

    /// The prompt and completion of `record`, with the draws of the record's own sub-stream of `seed`.
    public static func render(_ record: TrainingRecord, seed: UInt64) -> (prompt: String, completion: String) {
        var random = SeededRandom(seed: seed, stream: stream, index: UInt64(bitPattern: record.key))
        var input = record.input
        if random.unitDouble() < 0.5 { input = strippingFieldLabel(input) }
        return render(instruction: record.instruction, input: input, output: record.output,
                      template: random.uniform(below: PythonText.strip(input).isEmpty ? 6 : 7))
    }

    /// Template `template` (0-based: 0..<7 with input, 0..<6 without) applied to the trimmed fields.
    public static func render(instruction: String, input: String, output: String, template: Int) -> (prompt: String, completion: String) {
        let i = PythonText.strip(instruction)
        let x = PythonText.strip(input)
        let y = PythonText.strip(output)
        let prompt: String
        let spaced: Bool
        if x.isEmpty {
            precondition((0..<6).contains(template), "6 templates without input")
            switch template {
            case 0: prompt = i + " Output:"; spaced = true
            case 1: prompt = i + "\nOutput:"; spaced = true
            case 2: prompt = i + "\n\nOutput:"; spaced = true
            case 3: prompt = i + "\n"; spaced = false
            case 4: prompt = i + "\n\n"; spaced = false
            default: prompt = "Task: " + i + "\n\n"; spaced = false
            }
        } else {
            precondition((0..<7).contains(template), "7 templates with input")
            switch template {
            case 0: prompt = i + "\nInput: " + x + "\nOutput:"; spaced = true
            case 1: prompt = i + "\n\nInput: " + x + "\n\nOutput:"; spaced = true
            case 2: prompt = "Task: " + i + "\nInput: " + x + "\nOutput:"; spaced = true
            case 3: prompt = i + "\n\n" + x + "\n\nOutput:"; spaced = true
            case 4: prompt = i + "\n\n" + x + "\n\n"; spaced = false
            case 5: prompt = i + "\n" + x + "\n\n"; spaced = false
            default: prompt = "Task: " + i + "\n\n" + x + "\n\n"; spaced = false
            }
        }
        return (prompt, (spaced ? " " : "") + y + endOfText)
    }

    /// The reference's label stripping: when the input's `word:` labels (Python `\w+:`) are all the same word,
    /// everything up to and including the first colon goes; in the same branch double newlines become single
    /// ones. The result is trimmed either way. ("List: 3, 1, 2" -> "3, 1, 2"; "Sentence: … Question: …" stays.)
    public static func strippingFieldLabel(_ input: String) -> String {
        // On Unicode scalars, as Python compares and replaces code points (a Character would join "\r\n" and
        // equate canonically equivalent labels).
        var scalars = Array(input.unicodeScalars)
        var labels = Set<[Unicode.Scalar]>()
        var index = 0
        while index < scalars.count {
            guard isPythonWordCharacter(scalars[index]) else { index += 1; continue }
            let start = index
            while index < scalars.count && isPythonWordCharacter(scalars[index]) { index += 1 }
            if index < scalars.count && scalars[index] == ":" { labels.insert(Array(scalars[start..<index])) }
        }
        if labels.count == 1, let colon = scalars.firstIndex(of: ":") { scalars.removeSubrange(...colon) }
        var joined: [Unicode.Scalar] = []
        joined.reserveCapacity(scalars.count)
        var position = 0
        while position < scalars.count {
            joined.append(scalars[position])
            // "\n\n" -> "\n", non-overlapping from the left, as str.replace does.
            position += scalars[position] == "\n" && position + 1 < scalars.count && scalars[position + 1] == "\n" ? 2 : 1
        }
        return PythonText.strip(String(String.UnicodeScalarView(joined)))
    }
}
