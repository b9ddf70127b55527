// Stage 4 post-processing of one task's parsed instances (spec §1.4 "Common post-processing per task"),
// in the reference order. Two deliberate departures, both about order only: duplicates are removed keeping
// the first occurrence (the reference's hash set makes the order arbitrary), and sampling is driven by a
// recorded seed so a run is reproducible.

/// Why an instance was dropped; the raw value is a stable snake_case code for SQL.
public enum InstanceDropReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// The completion hit the token limit and this was its last instance.
    case truncatedLast = "truncated_last"
    /// Input and output are identical.
    case inputEqualsOutput = "input_equals_output"
    /// The output is empty.
    case emptyOutput = "empty_output"
    /// The trimmed input or output ends with ":" (usually a cut-off generation).
    case endsWithColon = "ends_with_colon"
    /// Two instances share a non-empty input but differ in output, so the whole task is dropped.
    case conflictingOutputs = "conflicting_outputs"
    /// Same input and output as an earlier instance.
    case duplicate
    /// Not drawn when sampling the per-task maximum.
    case overLimit = "over_limit"

    /// The stable reason code.
    public var code: String { rawValue }
}

/// An instance that was not kept.
public struct DroppedInstance: Sendable, Hashable {
    /// 0-based position in parse order.
    public var position: Int
    /// The instance as parsed.
    public var instance: TaskInstance
    /// The first rule that dropped it.
    public var reason: InstanceDropReason

    /// A drop record for the instance at `position`.
    public init(position: Int, instance: TaskInstance, reason: InstanceDropReason) {
        self.position = position
        self.instance = instance
        self.reason = reason
    }
}

/// The instances kept for one task and the ones dropped, with reasons.
public struct InstanceParseResult: Sendable, Hashable {
    /// Kept instances, in parse order (empty means the task yields nothing).
    public var kept: [TaskInstance]
    /// Dropped instances, in the order the rules dropped them.
    public var dropped: [DroppedInstance]

    /// A result with the given kept and dropped instances.
    public init(kept: [TaskInstance] = [], dropped: [DroppedInstance] = []) {
        self.kept = kept
        self.dropped = dropped
    }
}

/// The reference's per-task instance rules: truncation, validity, conflicts, duplicates, sampling.
public struct InstanceFilter: Sendable, Hashable {
    /// Most instances kept per task (the reference keeps 5).
    public var maximumInstances: Int

    /// A filter keeping at most `maximumInstances` per task.
    public init(maximumInstances: Int = 5) {
        precondition(maximumInstances >= 0, "maximumInstances must not be negative")
        self.maximumInstances = maximumInstances
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
            guard let reason = Self.invalidity(of: instance) else { return true }
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
    static func invalidity(of instance: TaskInstance) -> InstanceDropReason? {
        if scalarsEqual(instance.input, instance.output) { return .inputEqualsOutput }
        if instance.output.isEmpty { return .emptyOutput }
        if PythonText.strip(instance.input).hasLastScalar(":") || PythonText.strip(instance.output).hasLastScalar(":") {
            return .endsWithColon
        }
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
