import SelfInstruct
import Testing

/// The run lifecycle, checked for every status against tables written out here (not derived from the code).
@Suite struct RunStatusTests {
    /// Every (status, verb) pair and where it leads; a missing pair is refused.
    static let transitions: [RunStatus: [RunCommand: RunStatus]] = [
        .created: [.start: .running, .cancel: .cancelled],
        .running: [.pause: .paused, .cancel: .cancelled, .drain: .draining],
        .paused: [.resume: .running, .cancel: .cancelled, .drain: .draining],
        .draining: [.pause: .paused, .cancel: .cancelled],
        .completed: [:],
        .cancelled: [:],
        .failed: [:],
    ]

    @Test(arguments: RunStatus.allCases, RunCommand.allCases)
    func everyVerbFromEveryStatus(status: RunStatus, command: RunCommand) {
        #expect(status.applying(command) == Self.transitions[status]?[command])
        #expect(command.allowedFrom.contains(status) == (Self.transitions[status]?[command] != nil))
    }

    @Test func finishedStatusesAreTerminal() {
        #expect(RunStatus.allCases.filter(\.isFinished) == [.completed, .cancelled, .failed])
        for status in RunStatus.allCases where status.isFinished {
            #expect(RunCommand.allCases.allSatisfy { status.applying($0) == nil })
        }
    }

    /// Which statuses make each stage consume a message without doing its work.
    static let stoppedBy: [PipelineStage: Set<RunStatus>] = [
        .generate: [.completed, .cancelled, .failed],
        .filterInstructions: [],
        .classify: [.cancelled, .failed],
        .instances: [.cancelled, .failed],
        .filterInstances: [],
        .shards: [.cancelled, .failed],
    ]

    @Test(arguments: RunStatus.allCases, PipelineStage.allCases)
    func whichStagesStopForWhichStatus(status: RunStatus, stage: PipelineStage) {
        #expect(status.stops(stage) == Self.stoppedBy[stage]!.contains(status))
    }

    @Test func onlyRunningRunsCirculateTokensAndAreWatched() {
        #expect(RunStatus.allCases.filter(\.circulatesGenerationTokens) == [.running])
        #expect(RunStatus.allCases.filter(\.isWatchedForCompletion) == [.running])
    }

    @Test func shardingCompletesRunsThatAreNotFinished() {
        #expect(RunStatus.allCases.filter(\.mayComplete) == [.running, .paused, .draining])
    }

    @Test func storedNamesAreTheSchemasNames() {
        // The CHECK constraint of runs.status (migration V001) and the queue names without namespace.
        #expect(RunStatus.allCases.map(\.rawValue) == ["created", "running", "paused", "draining", "completed", "cancelled", "failed"])
        #expect(PipelineStage.allCases.map { $0.queueName(namespace: "si") }
            == ["si.generate", "si.filter.instructions", "si.filter.instances", "si.classify", "si.instances", "si.shards"])
        #expect(AdmissionRejection.allCases.map(\.rawValue) == ["rouge_too_similar", "duplicate_text", "target_reached", "hygiene_removed_all"])
        #expect(InstanceOutcome.allCases.map(\.rawValue) == ["generated", "no_instances", "failed"])
    }
}
