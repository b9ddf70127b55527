// Alpaca (spec §2.4): the prompt ends with "4. Instruction:", the teacher writes item 4's fields and then
// further items separated by "###" lines, each as "<n>. Instruction: …", "<n>. Input: …", "<n>. Output: …".

/// Parses an Alpaca generation completion into (instruction, input, output) items.
public struct AlpacaResponseParser: Sendable, Hashable {
    /// Reference-exact or robust item numbering.
    public var mode: ParsingMode
    /// The cheap filters applied to each instruction.
    public var heuristics: InstructionHeuristics
    /// Number of the first generated item: prompt examples + 1 (the prompt ends with "<n>. Instruction:").
    public var firstItemNumber: Int

    /// A parser for completions of a prompt with `firstItemNumber - 1` examples.
    public init(mode: ParsingMode = .robust, heuristics: InstructionHeuristics = .alpaca, firstItemNumber: Int = 4) {
        self.mode = mode
        self.heuristics = heuristics
        self.firstItemNumber = firstItemNumber
    }

    /// The three field labels, in the order a well-formed item writes them.
    enum Label: Int, CaseIterable {
        case instruction, input, output

        var scalars: [Unicode.Scalar] {
            switch self {
            case .instruction: Array("Instruction".unicodeScalars)
            case .input: Array("Input".unicodeScalars)
            case .output: Array("Output".unicodeScalars)
            }
        }
    }

    /// One `<n>. Label:` occurrence in a piece.
    struct LabelMatch {
        var range: Range<Int>
        var number: Int
        var label: Label
    }

    /// Splits `completion` into items, checks their shape and numbering, then filters the instructions.
    public func parse(_ completion: Completion) -> AlpacaParseResult {
        let whole = ScalarText("\(firstItemNumber). Instruction:" + completion.text)
        let pieces = whole.pieces(between: whole.occurrences(of: Array("###".unicodeScalars)))
        var result = AlpacaParseResult()
        for (position, range) in pieces.enumerated() {
            let piece = ScalarText(scalars: Array(whole.scalars[range]))
            if position == pieces.count - 1 && completion.finishReason == .length {
                result.dropped.append(DroppedItem(position: position, text: piece.string(0..<piece.count), reason: .truncatedLast))
                continue
            }
            let expected = firstItemNumber + position
            let labels: [LabelMatch]
            let number: Int
            let numbered = Self.labels(in: piece, number: expected)
            if numbered.count == 3 {
                // The reference's `re.split` yields 7 parts: fields are taken by position, whatever the labels.
                labels = numbered
                number = expected
            } else if let found = Self.wellFormedLabels(in: piece) {
                guard mode == .robust else {
                    // Well-formed under its own number; the same number with extra unanchored matches
                    // (e.g. a "14. Output:" inside item 4's text) is a shape problem, not a numbering one.
                    let reason: ItemDropReason = found[0].number == expected
                        ? .malformedItem : .wrongNumber(expected: expected, found: found[0].number)
                    result.dropped.append(DroppedItem(
                        position: position, text: piece.string(0..<piece.count), reason: reason))
                    continue
                }
                labels = found
                number = found[0].number
            } else {
                result.dropped.append(DroppedItem(position: position, text: piece.string(0..<piece.count), reason: .malformedItem))
                continue
            }
            let instruction = piece.strippedString(labels[0].range.upperBound..<labels[1].range.lowerBound)
            var input = piece.strippedString(labels[1].range.upperBound..<labels[2].range.lowerBound)
            let output = piece.strippedString(labels[2].range.upperBound..<piece.count)
            if scalarsEqual(PythonText.lower(input), "<noinput>") { input = "" }
            if let rejection = heuristics.check(instruction) {
                result.dropped.append(DroppedItem(position: position, text: instruction, reason: .rejected(rejection)))
                continue
            }
            result.tasks.append(ParsedAlpacaTask(
                position: position, itemNumber: number, instruction: instruction, input: input, output: output))
        }
        return result
    }

    /// Matches of `re.split(f"{number}\.\s+(Instruction|Input|Output):", piece)`: the number's ASCII digits
    /// are not anchored, so "14. Input:" matches for item 4.
    static func labels(in piece: ScalarText, number: Int) -> [LabelMatch] {
        let digits = Array(String(number).unicodeScalars)
        var found: [LabelMatch] = []
        _ = piece.matches { start in
            guard piece.hasLiteral(digits, at: start) else { return nil }
            guard let (label, end) = labelAfterNumber(in: piece, at: start + digits.count) else { return nil }
            found.append(LabelMatch(range: start..<end, number: number, label: label))
            return end
        }
        return found
    }

    /// Robust reading: every `<digits>. Label:` with a whole number (not preceded by a digit); accepted only
    /// as exactly Instruction, Input, Output in this order with one shared number.
    static func wellFormedLabels(in piece: ScalarText) -> [LabelMatch]? {
        var found: [LabelMatch] = []
        _ = piece.matches { start in
            guard isPythonDecimalDigit(piece[start]), start == 0 || !isPythonDecimalDigit(piece[start - 1]) else { return nil }
            let digitsEnd = piece.skipDigits(from: start)
            guard let (label, end) = labelAfterNumber(in: piece, at: digitsEnd),
                  let number = decimalValue(piece.scalars[start..<digitsEnd]) else { return nil }
            found.append(LabelMatch(range: start..<end, number: number, label: label))
            return end
        }
        guard found.count == 3,
              found.map(\.label) == Label.allCases,
              found.allSatisfy({ $0.number == found[0].number }) else { return nil }
        return found
    }

    /// After the number: `\.\s+(Instruction|Input|Output):`, returning the label and the end of the match.
    private static func labelAfterNumber(in piece: ScalarText, at index: Int) -> (Label, Int)? {
        guard index < piece.count, piece[index] == "." else { return nil }
        let labelStart = piece.skipWhitespace(from: index + 1)
        guard labelStart > index + 1 else { return nil }
        for label in Label.allCases {
            let name = label.scalars
            if piece.hasLiteral(name, at: labelStart), labelStart + name.count < piece.count,
               piece[labelStart + name.count] == ":" {
                return (label, labelStart + name.count + 1)
            }
        }
        return nil
    }

    /// The value of a run of Unicode decimal digits, nil if it does not fit an `Int`.
    private static func decimalValue(_ digits: ArraySlice<Unicode.Scalar>) -> Int? {
        var value = 0
        for digit in digits {
            guard let d = digit.properties.numericValue.map({ Int($0) }) else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(d)
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }
}
