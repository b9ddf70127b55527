/// The placeholders generators write instead of leaving a field empty: "<noinput>", "No input required.",
/// "\"<noinput>\"", "(no input)", "N/A", "<nooutput>", …. Matched on the whole field only: a marker inside a
/// sentence is text ("Replace <noinput> with …").
enum NoInputMarkers {
    /// A field reduced to a comparison key: lower-cased, without white space, quotes, backslashes, bracket
    /// pairs around it and a final full stop. `bracketed` says whether brackets were removed.
    struct Key: Equatable {
        var text: String
        var bracketed: Bool
    }

    /// Inputs that mean "no input" even without brackets. Not bare "na" (sodium is "Na"), "null" or "empty",
    /// which can be real inputs.
    static let bareInputMarkers: Set<String> = [
        "noinput", "noinputs", "noinputrequired", "noinputneeded", "noinputprovided", "noinputgiven",
        "noinputisrequired", "noinputisneeded", "noinputnecessary", "noinputrequiredforthistask",
        "none", "n/a", "notapplicable", "nil",
    ]
    /// Inputs that mean "no input" when written in brackets ("<empty>", "[NA]").
    static let bracketedInputMarkers: Set<String> = bareInputMarkers.union(["na", "empty", "blank", "null", "input", "noinputhere"])

    /// Outputs that say there is no output. Not bare "none", a real answer ("Which of these are prime?").
    static let bareOutputMarkers: Set<String> = [
        "n/a", "notapplicable", "nooutput", "nooutputs", "nooutputrequired", "nooutputneeded", "nooutputprovided",
        "noinput", "nooutputgiven", "outputnotapplicable",
    ]
    /// Outputs that say there is no output when written in brackets ("<none>", "<No Output>").
    static let bracketedOutputMarkers: Set<String> = bareOutputMarkers.union([
        "na", "none", "empty", "blank", "null", "nil", "output", "noinputrequired", "noanswer",
    ])

    /// Whether the whole input is a "no input" marker.
    static func isNoInputMarker(_ input: String) -> Bool {
        guard let key = key(input) else { return false }
        return (key.bracketed ? bracketedInputMarkers : bareInputMarkers).contains(key.text)
    }

    /// Whether the whole output says there is no output (an output that is only a "no input" marker counts).
    static func isNotApplicableOutput(_ output: String) -> Bool {
        guard let key = key(output) else { return false }
        return (key.bracketed ? bracketedOutputMarkers : bareOutputMarkers).contains(key.text)
    }

    static let quotes: Set<Unicode.Scalar> = ["\"", "'", "`", "\u{201C}", "\u{201D}", "\u{2018}", "\u{2019}", "\\"]
    static let openers: Set<Unicode.Scalar> = ["<", "[", "(", "{"]
    static let closers: Set<Unicode.Scalar> = [">", "]", ")", "}"]

    /// The comparison key; nil for fields too long to be a marker.
    static func key(_ field: String) -> Key? {
        var scalars = Array(field.unicodeScalars.filter { !isPythonWhitespace($0) })
        guard !scalars.isEmpty, scalars.count <= 40 else { return nil }
        var bracketed = false
        var trimmed = true
        while trimmed, !scalars.isEmpty {
            trimmed = false
            if let last = scalars.last, last == "." || last == ":" {
                scalars.removeLast()
                trimmed = true
            }
            if let first = scalars.first, quotes.contains(first) {
                scalars.removeFirst()
                trimmed = true
            }
            if let last = scalars.last, quotes.contains(last) {
                scalars.removeLast()
                trimmed = true
            }
            // A lone bracket counts too: "<noinput" lost its ">" to a cut-off generation.
            if let first = scalars.first, openers.contains(first) {
                scalars.removeFirst()
                bracketed = true
                trimmed = true
            }
            if let last = scalars.last, closers.contains(last) {
                scalars.removeLast()
                bracketed = true
                trimmed = true
            }
        }
        scalars.removeAll { $0 == "\\" }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars)
        return Key(text: String(text).lowercased(), bracketed: bracketed)
    }
}
