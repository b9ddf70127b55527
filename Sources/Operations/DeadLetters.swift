// `sictl dlq list|replay`: reading `dead_letters` and putting dead messages back into the pipeline through the
// transactional outbox, so a replay is published exactly like any stage's output (by the workers' relays).

import Broker
import SelfInstruct
public import Store

/// One row of `dead_letters`, as the operator sees it.
public struct DeadLetter: Sendable, Hashable, Codable {
    public var id: Int64
    public var runID: Int64?
    public var runName: String?
    /// The stage that gave up (`generate`, `filter.instructions`, …).
    public var stage: String
    public var messageID: String
    public var routingKey: String?
    public var attempts: Int
    public var errorKind: String?
    /// The full error text (the human listing shortens it).
    public var lastError: String
    /// ISO 8601, UTC.
    public var deadAt: String
    /// ISO 8601, UTC; nil while the letter waits for a replay.
    public var replayedAt: String?
}

/// Which dead letters a listing or replay looks at.
public struct DeadLetterSelection: Sendable, Hashable {
    public var runID: Int64?
    /// A stage name as stored (`generate`, `filter.instructions`, …); nil for all.
    public var stage: String?
    /// Only these `dead_letters.id`s (empty: no restriction).
    public var ids: [Int64]
    /// Also letters already replayed (listing only; a replay never re-sends a replayed letter).
    public var includeReplayed: Bool

    public init(runID: Int64? = nil, stage: String? = nil, ids: [Int64] = [], includeReplayed: Bool = false) {
        self.runID = runID
        self.stage = stage
        self.ids = ids
        self.includeReplayed = includeReplayed
    }

    var condition: SQLQuery {
        let idList = "{" + ids.map(String.init).joined(separator: ",") + "}"
        return """
            (\(runID)::bigint IS NULL OR d.run_id = \(runID)::bigint)
            AND (\(stage)::text IS NULL OR d.stage = \(stage)::text)
            AND (\(ids.isEmpty) OR d.id = ANY(\(idList)::bigint[]))
            AND (\(includeReplayed) OR d.replayed_at IS NULL)
            """
    }
}

/// A page of dead letters, newest first, and how many matched in all.
public struct DeadLetterListing: Sendable, Hashable, Codable {
    public var total: Int
    public var deadLetters: [DeadLetter]
}

/// What a replay did (or, with `dryRun`, would do).
public struct ReplayReport: Sendable, Hashable, Codable {
    /// A letter put back: the outbox row that re-sends it.
    public struct Replayed: Sendable, Hashable, Codable {
        public var id: Int64
        public var runID: Int64
        public var stage: String
        public var messageID: String
        public var routingKey: String
        /// The `attempt` of the re-sent message body.
        public var attempt: Int
    }

    /// A selected letter left alone, and why.
    public struct Skipped: Sendable, Hashable, Codable {
        public var id: Int64
        public var stage: String
        public var messageID: String
        public var reason: String
    }

    public var dryRun: Bool
    public var replayed: [Replayed]
    public var skipped: [Skipped]
    /// Replayed messages the outbox relays had published when the command stopped waiting (nil: not checked).
    public var published: Int?
}

/// Why a dead-letter operation was refused as a whole.
public enum DeadLetterError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownStage(String)
    case unknownIDs([Int64])
    case finishedRun(run: String, status: String)

    public var description: String {
        switch self {
        case .unknownStage(let stage):
            "unknown stage '\(stage)'; expected one of " + Topology.Stage.allCases.map(\.rawValue).joined(separator: ", ")
        case .unknownIDs(let ids):
            "no dead letter with id " + ids.map(String.init).joined(separator: ", ") + " (in the selected run and stage)"
        case .finishedRun(let run, let status):
            "run \(run) is \(status): replaying into a finished run does nothing useful (use --force to replay anyway)"
        }
    }
}

/// Lists and replays dead letters.
public struct DeadLetters: Sendable {
    public let database: Database
    /// Routing keys of letters that lack one are built from this (the daemons' `SI_AMQP_NAMESPACE`).
    let topology: Topology

    public init(database: Database, namespace: String = "si") {
        self.database = database
        self.topology = Topology(namespace: namespace)
    }

    /// Refuses stage names no queue has.
    public static func validate(stage: String?) throws(DeadLetterError) {
        if let stage, Topology.Stage(rawValue: stage) == nil { throw DeadLetterError.unknownStage(stage) }
    }

    /// Letters matching `selection`, newest first, at most `limit`.
    public func list(_ selection: DeadLetterSelection, limit: Int = 200) async throws -> DeadLetterListing {
        try Self.validate(stage: selection.stage)
        let rows = try await database.query("""
            SELECT d.id, d.run_id, r.name AS run_name, d.stage, d.message_id, d.routing_key, d.attempts, d.error_kind,
                   d.last_error, \(unsafeRaw: Self.iso("d.dead_at")) AS dead_at,
                   \(unsafeRaw: Self.iso("d.replayed_at")) AS replayed_at, count(*) OVER () AS total
            FROM dead_letters d LEFT JOIN runs r ON r.id = d.run_id
            WHERE \(fragment: selection.condition)
            ORDER BY d.dead_at DESC, d.id DESC LIMIT \(max(limit, 0))
            """, operation: "dead_letters_list").decodableRows
        var total = try rows.first?.decode("total", as: Int.self) ?? 0
        if rows.isEmpty && limit <= 0 {
            total = try await database.query(
                "SELECT count(*) AS n FROM dead_letters d WHERE \(fragment: selection.condition)"
            ).singleRow().decode("n")
        }
        let letters = try rows.map { row throws(StoreError) in
            DeadLetter(
                id: try row.decode("id"), runID: try row.decode("run_id"), runName: try row.decode("run_name"),
                stage: try row.decode("stage"), messageID: try row.decode("message_id"),
                routingKey: try row.decode("routing_key"), attempts: try row.decode("attempts"),
                errorKind: try row.decode("error_kind"), lastError: try row.decode("last_error"),
                deadAt: try row.decode("dead_at"), replayedAt: try row.decode("replayed_at"))
        }
        return DeadLetterListing(total: total, deadLetters: letters)
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
        let matching = try await database.query("""
            SELECT d.id, d.replayed_at IS NOT NULL AS replayed, d.stage, d.message_id FROM dead_letters d
            WHERE \(fragment: candidates.condition) ORDER BY d.id
            """, operation: "dead_letters_select").decodableRows
        let found = Set(try matching.map { row throws(StoreError) in try row.decode("id", as: Int64.self) })
        let unknown = selection.ids.filter { !found.contains($0) }
        guard unknown.isEmpty else { throw DeadLetterError.unknownIDs(unknown) }

        if let runID = selection.runID, !force {
            let run = try await database.query("SELECT name, status FROM runs WHERE id = \(runID)").singleRow()
            let status = try run.decode("status", as: String.self)
            if Self.isFinished(status) {
                throw DeadLetterError.finishedRun(run: "\(runID) (\(try run.decode("name", as: String.self)))", status: status)
            }
        }

        var report = ReplayReport(dryRun: dryRun, replayed: [], skipped: [], published: nil)
        for row in matching {
            let id = try row.decode("id", as: Int64.self)
            if try row.decode("replayed", as: Bool.self) {
                // Only an explicitly named id can be already replayed here; say so rather than ignore it.
                if !selection.ids.isEmpty {
                    report.skipped.append(.init(id: id, stage: try row.decode("stage"), messageID: try row.decode("message_id"),
                                                reason: "already replayed"))
                }
                continue
            }
            switch try await replayOne(id: id, dryRun: dryRun, force: force) {
            case .replayed(let replayed): report.replayed.append(replayed)
            case .skipped(let skipped): report.skipped.append(skipped)
            }
        }
        return report
    }

    private enum Outcome: Sendable {
        case replayed(ReplayReport.Replayed)
        case skipped(ReplayReport.Skipped)
    }

    private func replayOne(id: Int64, dryRun: Bool, force: Bool) async throws -> Outcome {
        let topology = self.topology
        return try await database.transaction { tx -> Outcome in
            // The row lock serialises concurrent replays of one letter; the second finds replayed_at set.
            let rows = try await tx.query("""
                SELECT d.run_id, d.stage, d.message_id, d.routing_key, d.body, d.replayed_at IS NOT NULL AS replayed,
                       r.status AS run_status
                FROM dead_letters d LEFT JOIN runs r ON r.id = d.run_id
                WHERE d.id = \(id) FOR UPDATE OF d
                """, operation: "dead_letter_lock")
            guard let row = rows.decodableRows.first else {
                return .skipped(.init(id: id, stage: "", messageID: "", reason: "deleted meanwhile"))
            }
            let stage = try row.decode("stage", as: String.self)
            let messageID = try row.decode("message_id", as: String.self)
            func skip(_ reason: String) -> Outcome { .skipped(.init(id: id, stage: stage, messageID: messageID, reason: reason)) }
            if try row.decode("replayed", as: Bool.self) { return skip("already replayed") }
            guard let body = try row.decode("body", as: String?.self),
                  let message = try? StageMessage(json: Array(body.utf8))
            else {
                return skip("the stored body is not a stage message (nothing to re-send)")
            }
            guard let runID = try row.decode("run_id", as: Int64?.self), runID == message.runID,
                  let runStatus = try row.decode("run_status", as: String?.self)
            else {
                return skip("run \(message.runID) does not exist")
            }
            if Self.isFinished(runStatus) && !force { return skip("run \(runID) is \(runStatus) (use --force)") }
            if message.kind == .generationToken {
                // A token whose request finished or was retired has been re-issued under a new round by the
                // workers (GenerationTokens.reissueParked); re-sending the old one would make two circulate.
                let request = try await tx.query(
                    "SELECT status FROM generation_requests WHERE id = \(message.entityID) AND run_id = \(runID)",
                    operation: "generation_request_status")
                guard let status = try request.decodableRows.first?.decode("status", as: String.self) else {
                    return skip("generation request \(message.entityID) does not exist")
                }
                if status != "pending" { return skip("generation request \(message.entityID) is \(status), not pending") }
            }
            let routingKey = try row.decode("routing_key", as: String?.self)
                ?? Topology.Stage(rawValue: stage).map(topology.routingKey) ?? "\(topology.namespace).\(stage)"
            var resent = message
            resent.attempt = message.attempt + 1
            if !dryRun {
                // The outbox's message_id is UNIQUE and the row that first carried this id is still there (sent,
                // or its message would not have died). It is turned back into an unsent row with the new body
                // rather than deleted and re-inserted: one statement, so no concurrent insert of the same id can
                // slip in between, and publish_attempts keeps counting every publish of the id. The same id
                // matters: the stage has no processed_messages row for a dead message, so it handles it, and any
                // duplicate publish of it is recognised downstream as usual.
                try await tx.execute("""
                    INSERT INTO outbox (message_id, run_id, routing_key, body)
                    VALUES (\(messageID), \(runID), \(routingKey), \(resent.jsonText))
                    ON CONFLICT (message_id) DO UPDATE SET
                        run_id = EXCLUDED.run_id, routing_key = EXCLUDED.routing_key, body = EXCLUDED.body,
                        created_at = now(), sent_at = NULL, last_error = NULL
                    """, operation: "outbox_replay")
                try await tx.execute("UPDATE dead_letters SET replayed_at = now() WHERE id = \(id)",
                                     operation: "dead_letter_replayed")
            }
            return .replayed(.init(id: id, runID: runID, stage: stage, messageID: messageID, routingKey: routingKey,
                                   attempt: resent.attempt))
        }
    }

    /// How many of the outbox rows with `messageIDs` are still unsent.
    public func unpublishedCount(messageIDs: [String]) async throws -> Int {
        guard !messageIDs.isEmpty else { return 0 }
        let list = "{" + messageIDs.map { "\"" + $0.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
        return try await database.query(
            "SELECT count(*) AS n FROM outbox WHERE message_id = ANY(\(list)::text[]) AND sent_at IS NULL",
            operation: "outbox_unsent_count"
        ).singleRow().decode("n")
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

    static func isFinished(_ status: String) -> Bool {
        RunStatus(rawValue: status)?.isFinished ?? false
    }

    /// `column` as ISO 8601 text in UTC (NULL stays NULL).
    static func iso(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    }
}
