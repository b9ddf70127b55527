// Turning fixed texts plus per-request content into the exact prompt strings the references send.

/// An example instruction as both references list it: whitespace runs become one space, the ends are
/// trimmed, then trailing colons are removed (in that order, as `re.sub(...).strip().rstrip(":")`).
public func normalizedExampleInstruction(_ instruction: some StringProtocol) -> String {
    PythonText.stripTrailingColons(PythonText.normalizeWhitespace(instruction))
}

/// Self-Instruct stage-1 prompt: header, `1. …` to `n. …` one per line, then the bare next number (`9.`).
public func renderSelfInstructInstructionPrompt(
    examples: [String], classificationOnly: Bool, library: PromptLibrary
) -> String {
    let kind: PromptKind = classificationOnly ? .selfInstructClassificationInstructions : .selfInstructInstructions
    var prompt = library.text(for: kind)
    prompt += "\n"
    for (offset, example) in examples.enumerated() {
        prompt += "\(offset + 1). \(normalizedExampleInstruction(example))\n"
    }
    // No space or newline after the number: the model writes the item's text itself.
    prompt += "\(examples.count + 1)."
    return prompt
}

/// Self-Instruct stage-2 prompt: the fixed block, a space, the trimmed instruction, then the question line.
public func renderIsClassificationPrompt(instruction: String, library: PromptLibrary) -> String {
    library.text(for: .selfInstructIsClassification) + " " + PythonText.strip(instruction) + "\nIs it classification?"
}

/// Self-Instruct stage-3 prompt: the output-first (classification) or input-first template, a space,
/// the trimmed instruction and a newline.
public func renderInstancePrompt(instruction: String, outputFirst: Bool, library: PromptLibrary) -> String {
    let kind: PromptKind = outputFirst ? .selfInstructInstancesOutputFirst : .selfInstructInstancesInputFirst
    return library.text(for: kind) + " " + PythonText.strip(instruction) + "\n"
}

/// Alpaca prompt: the requirement list, then per example a `###` line and the numbered instruction, input
/// and output, then `###` and the next `n. Instruction:`. Each example uses its seed's first instance; the
/// input and output go in verbatim, an empty input as the literal `<noinput>`.
public func renderAlpacaPrompt(examples: [SeedTask], library: PromptLibrary) -> String {
    var prompt = library.text(for: .alpacaInstructions)
    prompt += "\n"
    for (offset, seed) in examples.enumerated() {
        let number = offset + 1
        // A seed without instances (not in the reference data) renders as no input and an empty output.
        let instance = seed.instances.first ?? TaskInstance(input: "", output: "")
        prompt += "###\n"
        prompt += "\(number). Instruction: \(normalizedExampleInstruction(seed.instruction))\n"
        prompt += "\(number). Input:\n\(instance.input.isEmpty ? "<noinput>" : instance.input)\n"
        prompt += "\(number). Output:\n\(instance.output)\n"
    }
    prompt += "###\n"
    prompt += "\(examples.count + 1). Instruction:"
    return prompt
}
