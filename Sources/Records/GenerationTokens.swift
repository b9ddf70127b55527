// Starting and re-issuing the circulating generation tokens of a run: `sictl run start` and `resume` and the
// instruction filter all issue them here, so every token is the same message whoever sends it.

import SelfInstruct
public import Store

/// Issues generation tokens: a `generation_requests` row plus an outbox message each.
public enum GenerationTokens {
    /// Issues round 0 of each of the run's `concurrency` tokens in one transaction. Idempotent: a second call
    /// issues nothing new. Returns the number of messages now owed (new or already there).
    @discardableResult
    public static func issueInitial(runID: Int64, namespace: String, database: Database) async throws -> Int {
        try await database.transaction { transaction in
            guard let run = try await RunsTable.summary(id: runID, on: transaction) else { throw RecordError.unknownRun(runID) }
            return try await issueInitial(runID: runID, concurrency: run.concurrency, namespace: namespace, in: transaction)
        }
    }

    /// `issueInitial` inside the caller's transaction (`sictl run start` issues the tokens with the status change).
    @discardableResult
    public static func issueInitial(
        runID: Int64, concurrency: Int, namespace: String, in transaction: Transaction
    ) async throws -> Int {
        var messages: [OutgoingMessage] = []
        for token in 0..<concurrency {
            messages.append(try await next(runID: runID, token: token, round: 0, on: transaction))
        }
        try await OutboxTable.insert(messages, namespace: namespace, on: transaction)
        return messages.count
    }

    /// The message that sends (run, token, round) to generation, its request row created if absent. The caller
    /// writes it to the outbox (the instruction filter with its own messages).
    public static func next(runID: Int64, token: Int, round: Int, on executor: some SQLExecutor) async throws -> OutgoingMessage {
        let requestID = try await GenerationRequestsTable.idCreatingIfAbsent(runID: runID, token: token, round: round, on: executor)
        return OutgoingMessage(stage: .generate, message: StageMessage(runID: runID, entityID: requestID, kind: .generationToken))
    }

    /// Puts parked tokens back into circulation (after `paused` → `running`, or once a dead-lettered generation
    /// was dealt with): for each of the run's tokens whose latest request has been generated and filtered (or
    /// retired), the next round is issued while the run is running and below target. A token with no request yet
    /// gets round 0. Tokens still in flight are left alone. Idempotent; returns the number of tokens re-issued.
    @discardableResult
    public static func reissueParked(runID: Int64, namespace: String, database: Database) async throws -> Int {
        try await database.transaction { transaction in
            // The filters issue next rounds under this lock; holding it keeps the view below stable.
            try await transaction.advisoryLock(.admission(runID: runID))
            guard let run = try await RunsTable.summary(id: runID, on: transaction) else { throw RecordError.unknownRun(runID) }
            guard run.status.circulatesGenerationTokens,
                  try await InstructionsTable.admittedCount(runID: runID, on: transaction) < run.target
            else { return 0 }
            var messages: [OutgoingMessage] = []
            for token in 0..<run.concurrency {
                var nextRound = 0
                if let request = try await GenerationRequestsTable.latest(runID: runID, token: token, on: transaction) {
                    switch request.status {
                    case .done:
                        let filterID = StageMessage.messageID(
                            stage: PipelineStage.filterInstructions.rawValue, kind: .instructionCandidates, entityID: request.id)
                        // Still on its way through the filter, which sends the token on itself.
                        guard try await ProcessedMessagesTable.contains(
                            stage: .filterInstructions, messageID: filterID, on: transaction) else { continue }
                    case .cancelled, .failed:
                        break
                    case .pending:
                        continue  // in flight (or dead-lettered, which `sictl dlq replay` handles)
                    }
                    nextRound = request.round + 1
                }
                messages.append(try await next(runID: runID, token: token, round: nextRound, on: transaction))
            }
            try await OutboxTable.insert(messages, namespace: namespace, on: transaction)
            return messages.count
        }
    }
}
