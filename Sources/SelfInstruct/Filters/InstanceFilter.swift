// Stage 4 post-processing of one task's parsed instances (spec §1.4 "Common post-processing per task"),
// in the reference order. Two deliberate departures, both about order only: duplicates are removed keeping
// the first occurrence (the reference's hash set makes the order arbitrary), and sampling is driven by a
// recorded seed so a run is reproducible.

/// The reference's per-task instance rules: truncation, validity, conflicts, duplicates, sampling.
public struct InstanceFilter: Sendable, Hashable {
    /// Most instances kept per task (the reference keeps 5).
    public var maximumInstances: Int

    /// The run's language: outside `en` a field ending in a full-width colon "：" is cut off as one ending in ":".
    public var language: RunLanguage

    /// A filter keeping at most `maximumInstances` per task.
    public init(maximumInstances: Int = 5, language: RunLanguage = .en) {
        precondition(maximumInstances >= 0, "maximumInstances must not be negative")
        self.maximumInstances = maximumInstances
        self.language = language
    }

    /// This filter for a run in `language`.
    public func forLanguage(_ language: RunLanguage) -> InstanceFilter {
        InstanceFilter(maximumInstances: maximumInstances, language: language)
    }

    /// Parses a stage-3 completion for one task and applies the rules; `random` is used only when more than
    /// `maximumInstances` survive.
    public func process(_ completion: Completion, isClassification: Bool, random: inout SeededRandom) -> InstanceParseResult {
        let parsed = isClassification
            ? InstanceParser.classificationInstances(from: completion.text)
            : InstanceParser.generationInstances(from: completion.text)
        return apply(to: parsed, finishReason: completion.finishReason, random: &random)
    }

    /// Applies the rules, in the reference order, to instances in parse order.
    public func apply(to instances: [TaskInstance], finishReason: FinishReason, random: inout SeededRandom) -> InstanceParseResult {
        var result = InstanceParseResult()
        var candidates = Array(instances.enumerated())

        if finishReason == .length, let last = candidates.popLast() {
            result.dropped.append(DroppedInstance(position: last.offset, instance: last.element, reason: .truncatedLast))
        }

        candidates = candidates.filter { position, instance in
            guard let reason = Self.invalidity(of: instance, language: language) else { return true }
            result.dropped.append(DroppedInstance(position: position, instance: instance, reason: reason))
            return false
        }

        if Self.hasConflictingOutputs(candidates.map(\.element)) {
            for (position, instance) in candidates {
                result.dropped.append(DroppedInstance(position: position, instance: instance, reason: .conflictingOutputs))
            }
            return result
        }

        var seen = Set<[ScalarKey]>()
        candidates = candidates.filter { position, instance in
            if seen.insert([ScalarKey(instance.input), ScalarKey(instance.output)]).inserted { return true }
            result.dropped.append(DroppedInstance(position: position, instance: instance, reason: .duplicate))
            return false
        }

        if candidates.count > maximumInstances {
            let drawn = Set(random.sampleIndices(population: candidates.count, count: maximumInstances))
            for (index, candidate) in candidates.enumerated() where !drawn.contains(index) {
                result.dropped.append(DroppedInstance(position: candidate.offset, instance: candidate.element, reason: .overLimit))
            }
            candidates = candidates.enumerated().filter { drawn.contains($0.offset) }.map(\.element)
        }
        result.kept = candidates.map(\.element)
        return result
    }

    /// The reference's invalid-instance checks, first failing one first.
    static func invalidity(of instance: TaskInstance, language: RunLanguage = .en) -> InstanceDropReason? {
        if scalarsEqual(instance.input, instance.output) { return .inputEqualsOutput }
        if instance.output.isEmpty { return .emptyOutput }
        let input = PythonText.strip(instance.input), output = PythonText.strip(instance.output)
        if input.hasLastScalar(":") || output.hasLastScalar(":") { return .endsWithColon }
        if language != .en && (input.hasLastScalar("：") || output.hasLastScalar("：")) { return .endsWithColon }
        return nil
    }

    /// Whether two instances share a non-empty input but have different outputs (compared by code point).
    static func hasConflictingOutputs(_ instances: [TaskInstance]) -> Bool {
        var outputByInput: [ScalarKey: ScalarKey] = [:]
        for instance in instances where !instance.input.isEmpty {
            let output = ScalarKey(instance.output)
            if let earlier = outputByInput.updateValue(output, forKey: ScalarKey(instance.input)), earlier != output {
                return true
            }
        }
        return false
    }
}
