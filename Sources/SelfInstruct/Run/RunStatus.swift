// A run's lifecycle in one place: the statuses `runs.status` stores, which operator verb leads where, and what
// each stage does with work of a run in each status.

/// The lifecycle of a run as `runs.status` stores it.
public enum RunStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case created, running, paused, draining, completed, cancelled, failed

    /// No operator verb leaves these.
    public var isFinished: Bool { self == .completed || self == .cancelled || self == .failed }

    /// Statuses from which `command` may be applied, and what it leads to; nil when the verb does not apply.
    public func applying(_ command: RunCommand) -> RunStatus? {
        command.allowedFrom.contains(self) ? command.resultingStatus : nil
    }

    /// True when `stage` consumes a message of a run in this status without doing its work (no teacher call, no
    /// rows, no files, nothing downstream).
    ///
    /// Generation stops for every finished run: its token retires. The teacher stages and sharding stop only for
    /// cancelled and failed runs: a completed run's messages are redeliveries, whose work is already recorded
    /// (classify and instances do nothing new), or a repeated shard request, which rewrites the same bytes. The
    /// two filters never stop: admission decides every candidate that was generated (the token decides whether
    /// more come) and the instance filter records the outcome of instances already paid for.
    public func stops(_ stage: PipelineStage) -> Bool {
        switch stage {
        case .generate: isFinished
        case .classify, .instances, .shards: self == .cancelled || self == .failed
        case .filterInstructions, .filterInstances: false
        }
    }

    /// True when the instruction filter sends a generation token round again (below target). Paused and draining
    /// runs park their tokens; `sictl run resume` re-issues them.
    public var circulatesGenerationTokens: Bool { self == .running }

    /// True when the completion watcher looks at the run.
    public var isWatchedForCompletion: Bool { self == .running }

    /// True when sharding may mark the run `completed` (a paused or draining run that finished its work completes).
    public var mayComplete: Bool { self == .running || self == .paused || self == .draining }
}
