import Foundation

// A compact test-only version of Self-Instruct's stage-4 instance parsing and filtering (spec §1.4), used
// to check that the simulator's instance answers parse and that some of them are caught by each filter.

struct ParsedInstance: Hashable {
    var input: String
    var output: String
}

enum InstanceRejection: Hashable {
    case inputEqualsOutput, emptyOutput, trailingColon, conflictingOutputs, duplicate
}

private func trim(_ text: some StringProtocol) -> String {
    text.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Parses raw instance text as the reference does (generation or classification task).
func parseInstances(_ raw: String, classification: Bool) -> [ParsedInstance] {
    let text = trim(raw)
    if classification {
        guard text.contains("Class label:") else { return [] }
        return text.components(separatedBy: "Class label:").dropFirst().map { part in
            let body = trim(part)
            let lines = body.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            return ParsedInstance(input: lines.count > 1 ? trim(lines[1]) : "", output: trim(lines.first ?? ""))
        }
    }
    let examplePattern = /Example\s?\d*\.?/
    let outputPattern = /Output\s*\d*\s*:/
    let pieces: [Substring]
    if text.contains(examplePattern) {
        pieces = text.split(separator: examplePattern).filter { !trim($0).isEmpty }
    } else if text.contains(outputPattern) {
        pieces = [Substring(text)]
    } else {
        return []
    }
    return pieces.map { piece in
        let labels = piece.matches(of: outputPattern)
        guard let first = labels.first else { return ParsedInstance(input: "", output: trim(piece)) }
        var input = trim(piece[..<first.range.lowerBound])
        var output = labels.count > 1 ? piece[first.range.upperBound..<labels[1].range.lowerBound] : piece[first.range.upperBound...]
        if let cut = output.firstMatch(of: /Input\s*\d*\s*:/) { output = output[..<cut.range.lowerBound] }
        if let label = input.prefixMatch(of: /Input\s*\d*\s*:/) { input = trim(input[label.range.upperBound...]) }
        return ParsedInstance(input: input, output: trim(output))
    }
}

/// Applies the reference's filters in order; returns the surviving instances and why others went.
func filterInstances(_ parsed: [ParsedInstance], truncated: Bool) -> (kept: [ParsedInstance], rejected: [InstanceRejection]) {
    var instances = parsed
    var rejected: [InstanceRejection] = []
    if truncated, !instances.isEmpty { instances.removeLast() }
    instances = instances.filter { instance in
        if instance.input == instance.output { rejected.append(.inputEqualsOutput); return false }
        if instance.output.isEmpty { rejected.append(.emptyOutput); return false }
        if instance.input.hasSuffix(":") || instance.output.hasSuffix(":") { rejected.append(.trailingColon); return false }
        return true
    }
    var outputsByInput: [String: Set<String>] = [:]
    for instance in instances where !instance.input.isEmpty { outputsByInput[instance.input, default: []].insert(instance.output) }
    if outputsByInput.values.contains(where: { $0.count > 1 }) {
        rejected.append(contentsOf: instances.map { _ in .conflictingOutputs })
        return ([], rejected)
    }
    var seen = Set<ParsedInstance>()
    var kept: [ParsedInstance] = []
    for instance in instances {
        if seen.insert(instance).inserted { kept.append(instance) } else { rejected.append(.duplicate) }
    }
    return (kept, rejected)
}
