// The Alpaca release carries defects its generator never checked (spec §2.4: filters look at the instruction
// only). This pass looks at the whole record. It normalises first, so a removal rule sees the cleaned text
// (a field that was only control characters is then empty), and removes second.

/// The hygiene pass over one training record (instruction, input, output): normalise it, or remove it with one
/// reason. Pure; the same record always gets the same verdict.
public enum RecordHygiene {
    /// Normalises the record (control characters, "no input" markers), then applies the removal rules in
    /// `HygieneReason` declaration order: empty output, N/A output, merged item, unseen reference, image
    /// generation. The first that applies is the verdict.
    public static func check(instruction: String, input: String, output: String) -> HygieneVerdict {
        var fixes: Set<HygieneReason> = []
        let cleaned = (
            instruction: ControlCharacterCleaner.clean(instruction),
            input: ControlCharacterCleaner.clean(input),
            output: ControlCharacterCleaner.clean(output)
        )
        if cleaned.instruction != nil || cleaned.input != nil || cleaned.output != nil { fixes.insert(.controlCharacters) }
        let instruction = cleaned.instruction ?? instruction
        var input = cleaned.input ?? input
        let output = cleaned.output ?? output
        if NoInputMarkers.isNoInputMarker(input) {
            input = ""
            fixes.insert(.noInputMarker)
        }

        if let reason = removal(instruction: instruction, input: input, output: output) { return .remove(reason) }
        return .keep(
            instruction: instruction, input: input, output: output,
            fixes: HygieneReason.allCases.filter(fixes.contains)
        )
    }

    /// `text` with the control characters the pass strips removed: how a removed record's fields are stored, so
    /// a NUL that PostgreSQL text cannot hold never makes a removal fail to be recorded.
    public static func cleanedText(_ text: String) -> String {
        ControlCharacterCleaner.clean(text) ?? text
    }

    /// The first removing reason for an already normalised record, or nil.
    static func removal(instruction: String, input: String, output: String) -> HygieneReason? {
        if PythonText.strip(output).isEmpty { return .emptyOutput }
        if NoInputMarkers.isNotApplicableOutput(output) { return .notApplicableOutput }
        let instructionWords = HygieneWords(instruction)
        if MergedItemRule.applies(instructionWords: instructionWords, field: output)
            || MergedItemRule.applies(instructionWords: instructionWords, field: input) {
            return .mergedItem
        }
        if UnseenReferenceRule.applies(instruction: instruction, instructionWords: instructionWords, input: input) {
            return .unseenReference
        }
        if ImageGenerationRule.applies(instructionWords) { return .imageGeneration }
        return nil
    }
}
