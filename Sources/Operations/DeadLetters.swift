// `sictl dlq list|replay`: reading `dead_letters` and putting dead messages back into the pipeline through the
// transactional outbox, so a replay is published exactly like any stage's output (by the workers' relays).

public import Records
import SelfInstruct
public import Store

/// One row of `dead_letters`, as the operator sees it.
public typealias DeadLetter = DeadLettersTable.Letter

/// Lists and replays dead letters.
public struct DeadLetters: Sendable {
    public let database: Database
    /// Routing keys of letters that lack one are built from this (the daemons' `SI_AMQP_NAMESPACE`).
    let namespace: String

    public init(database: Database, namespace: String = "si") {
        self.database = database
        self.namespace = namespace
    }

    /// Refuses stage names no queue has.
    public static func validate(stage: String?) throws(DeadLetterError) {
        if let stage, PipelineStage(rawValue: stage) == nil { throw DeadLetterError.unknownStage(stage) }
    }

    /// Letters matching `selection`, newest first, at most `limit`.
    public func list(_ selection: DeadLetterSelection, limit: Int = 200) async throws -> DeadLetterListing {
        try Self.validate(stage: selection.stage)
        let page = try await DeadLettersTable.list(selection.filter, limit: limit, on: database)
        return DeadLetterListing(total: page.total, deadLetters: page.letters)
    }

    /// Puts every selected unreplayed letter back, one transaction per letter: an outbox row re-sending the same
    /// `StageMessage` with `attempt + 1`, the same message id and routing key, and `replayed_at = now()`.
    ///
    /// The running workers' outbox relays publish the rows (they poll unsent rows every second); see
    /// `unpublishedCount`. Letters of finished runs are refused (with a run named in `selection`) or skipped,
    /// unless `force`. Concurrent replays are safe: each letter is locked and re-checked in its transaction.
    public func replay(_ selection: DeadLetterSelection, dryRun: Bool = false, force: Bool = false) async throws
        -> ReplayReport
    {
        try Self.validate(stage: selection.stage)
        var candidates = selection
        candidates.includeReplayed = true
        let matching = try await DeadLettersTable.matching(candidates.filter, on: database)
        let found = Set(matching.map(\.id))
        let unknown = selection.ids.filter { !found.contains($0) }
        guard unknown.isEmpty else { throw DeadLetterError.unknownIDs(unknown) }

        if let runID = selection.runID, !force {
            guard let run = try await RunsTable.summary(id: runID, on: database) else {
                throw RunControlError.unknownRun(String(runID))
            }
            if run.status.isFinished {
                throw DeadLetterError.finishedRun(run: "\(runID) (\(run.name))", status: run.status.rawValue)
            }
        }

        var report = ReplayReport(dryRun: dryRun, replayed: [], skipped: [], published: nil)
        for letter in matching {
            if letter.replayed {
                // Only an explicitly named id can be already replayed here; say so rather than ignore it.
                if !selection.ids.isEmpty {
                    report.skipped.append(.init(id: letter.id, stage: letter.stage, messageID: letter.messageID,
                                                reason: "already replayed"))
                }
                continue
            }
            switch try await replayOne(id: letter.id, dryRun: dryRun, force: force) {
            case .replayed(let replayed): report.replayed.append(replayed)
            case .skipped(let skipped): report.skipped.append(skipped)
            }
        }
        // After the commits: a failed wake-up only costs the relays' next poll.
        if !dryRun && !report.replayed.isEmpty { try? await OutboxTable.wakeRelays(namespace: namespace, on: database) }
        return report
    }

    private enum Outcome: Sendable {
        case replayed(ReplayReport.Replayed)
        case skipped(ReplayReport.Skipped)
    }

    private func replayOne(id: Int64, dryRun: Bool, force: Bool) async throws -> Outcome {
        let namespace = self.namespace
        return try await database.transaction { tx -> Outcome in
            // The row lock serialises concurrent replays of one letter; the second finds replayed_at set.
            guard let letter = try await DeadLettersTable.lock(id: id, in: tx) else {
                return .skipped(.init(id: id, stage: "", messageID: "", reason: "deleted meanwhile"))
            }
            let stage = letter.stage
            let messageID = letter.messageID
            func skip(_ reason: String) -> Outcome { .skipped(.init(id: id, stage: stage, messageID: messageID, reason: reason)) }
            if letter.replayed { return skip("already replayed") }
            guard let body = letter.body, let message = try? StageMessage(json: Array(body.utf8)) else {
                return skip("the stored body is not a stage message (nothing to re-send)")
            }
            guard let runID = letter.runID, runID == message.runID, let runStatus = letter.runStatus else {
                return skip("run \(message.runID) does not exist")
            }
            if runStatus.isFinished && !force { return skip("run \(runID) is \(runStatus.rawValue) (use --force)") }
            if message.kind == .generationToken {
                // A token whose request finished or was retired has been re-issued under a new round by the
                // workers (GenerationTokens.reissueParked); re-sending the old one would make two circulate.
                guard let request = try await GenerationRequestsTable.find(id: message.entityID, runID: runID, on: tx) else {
                    return skip("generation request \(message.entityID) does not exist")
                }
                if request.status != .pending {
                    return skip("generation request \(message.entityID) is \(request.status.rawValue), not pending")
                }
            }
            let routingKey = letter.routingKey
                ?? PipelineStage(rawValue: stage).map { $0.queueName(namespace: namespace) } ?? "\(namespace).\(stage)"
            var resent = message
            resent.attempt = message.attempt + 1
            if !dryRun {
                // The same message id matters: the stage has no processed_messages row for a dead message, so it
                // handles it, and any duplicate publish of it is recognised downstream as usual.
                try await OutboxTable.resend(
                    messageID: messageID, runID: runID, routingKey: routingKey, body: resent.jsonText, on: tx)
                try await DeadLettersTable.markReplayed(id: id, on: tx)
                // A letter dead for `delivery_limit` would otherwise come back over its limit on its first redelivery.
                if let pipelineStage = PipelineStage(rawValue: stage) {
                    try await DeliveryCountsTable.forget(stage: pipelineStage, messageID: messageID, on: tx)
                }
            }
            return .replayed(.init(id: id, runID: runID, stage: stage, messageID: messageID, routingKey: routingKey,
                                   attempt: resent.attempt))
        }
    }

    /// How many of the outbox rows with `messageIDs` are still unsent.
    public func unpublishedCount(messageIDs: [String]) async throws -> Int {
        try await OutboxTable.unsentCount(messageIDs: messageIDs, on: database)
    }

    /// Polls until every row of `messageIDs` is sent or `timeout` passes; returns how many were sent.
    public func waitForPublication(messageIDs: [String], timeout: Duration, poll: Duration = .milliseconds(200))
        async throws -> Int
    {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let unsent = try await unpublishedCount(messageIDs: messageIDs)
            if unsent == 0 || clock.now >= deadline { return messageIDs.count - unsent }
            try await Task.sleep(for: poll)
        }
    }
}
