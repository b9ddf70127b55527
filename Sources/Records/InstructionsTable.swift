// The `instructions` table: candidate instructions, the admission decision on each, and what the later stages
// record on an admitted one (the raw instance completion and the instance outcome).

public import SelfInstruct
public import Store

/// Every statement over `instructions`.
public enum InstructionsTable {
    /// A parsed candidate of one generation; Alpaca candidates carry their instance.
    public struct NewCandidate: Sendable, Hashable {
        /// Unique within the generation request.
        public var position: Int
        public var text: String
        public var instance: TaskInstance?

        public init(position: Int, text: String, instance: TaskInstance?) {
            self.position = position
            self.text = text
            self.instance = instance
        }
    }

    /// An admission decision on candidate `id`.
    public struct Decision: Sendable, Hashable {
        public enum Outcome: Sendable, Hashable {
            case admitted(sequence: Int64)
            case rejected(AdmissionRejection, nearest: String?, score: Double?)
        }

        public var id: Int64
        public var outcome: Outcome

        public init(id: Int64, outcome: Outcome) {
            self.id = id
            self.outcome = outcome
        }
    }

    /// An admitted instruction as the later stages read it, with its run's status.
    public struct Admitted: Sendable, Hashable {
        public var id: Int64
        public var runID: Int64
        public var text: String
        /// Alpaca: the instance written with the instruction.
        public var input: String?
        public var output: String?
        /// Self-Instruct: the instance stage's raw completion and finish reason.
        public var instancesRaw: String?
        public var instancesFinishReason: String?
        /// Self-Instruct: the classification answer, nil before `si-classify` ran.
        public var isClassification: Bool?
        /// Set once instance generation ended (or the teacher refused the instruction).
        public var instanceOutcome: InstanceOutcome?
        public var runState: RunState
        public var runStatus: RunStatus { runState.status }
    }

    /// A decided instruction as the audit replays it.
    public struct Decided: Sendable, Hashable {
        public var id: Int64
        public var text: String
        /// Admitted ones only.
        public var sequence: Int64?
        public var nearestMatch: String?
        public var nearestScore: Double?
    }

    // MARK: - Generation and admission

    /// Stores one generation's candidates and the parser's drops (as rejections, so every rejection has its
    /// reason) in one statement; a redelivered generation inserts nothing twice.
    public static func insertCandidates(
        _ candidates: [NewCandidate], dropped: [DroppedItem], runID: Int64, requestID: Int64, on executor: some SQLExecutor
    ) async throws {
        var rows: [SQLQuery] = candidates.map { candidate in
            """
            (\(Int32(candidate.position)), \(candidate.text), \(candidate.instance?.input)::text, \(candidate.instance?.output)::text,
             'candidate', NULL::text, NULL::timestamptz)
            """
        }
        rows += dropped.map { item in
            "(\(Int32(item.position)), \(item.text), NULL::text, NULL::text, 'rejected', \(item.reason.code)::text, now())"
        }
        guard !rows.isEmpty else { return }
        try await executor.execute("""
            INSERT INTO instructions (run_id, request_id, position, text, input, output, status, reject_reason, decided_at)
            SELECT \(runID), \(requestID), v.position::int, v.text, v.input, v.output, v.status, v.reason, v.decided_at
            FROM (VALUES \(fragment: SQLQuery.joined(rows, separator: ", "))) AS v(position, text, input, output, status, reason, decided_at)
            ON CONFLICT (request_id, position) DO NOTHING
            """, operation: "candidates_insert")
    }

    /// The undecided candidates of a generation request, in parse order.
    public static func candidates(requestID: Int64, on executor: some SQLExecutor) async throws
        -> [(id: Int64, text: String, input: String?, output: String?)]
    {
        try await executor.rows("""
            SELECT id, text, input, output FROM instructions WHERE request_id = \(requestID) AND status = 'candidate' ORDER BY position
            """, operation: "candidates").map { row throws(StoreError) in
                (id: try row.decode("id"), text: try row.decode("text"), input: try row.decode("input"), output: try row.decode("output"))
            }
    }

    /// Records the instance outcome of instructions (an instruction's from the instance filter, a generation's from
    /// the Alpaca admission) in one statement; an outcome already recorded stays.
    public static func recordInstanceOutcomes(_ outcomes: [(id: Int64, outcome: InstanceOutcome)], on executor: some SQLExecutor) async throws {
        guard !outcomes.isEmpty else { return }
        try await executor.execute("""
            UPDATE instructions AS i SET instance_outcome = o.outcome
            FROM unnest(\(SQLArray.integers(outcomes.map(\.id)))::bigint[], \(SQLArray.text(outcomes.map(\.outcome.rawValue)))::text[])
                 AS o (id, outcome)
            WHERE i.id = o.id AND i.instance_outcome IS NULL
            """, operation: "instance_outcomes")
    }

    /// Writes every decision in one statement: admission is serial per run, and on a busy machine each extra round
    /// trip under the lock costs more than the decision itself.
    public static func record(_ decisions: [Decision], on executor: some SQLExecutor) async throws {
        guard !decisions.isEmpty else { return }
        let values: [SQLQuery] = decisions.map { decision in
            switch decision.outcome {
            case .admitted(let sequence):
                "(\(decision.id)::bigint, 'admitted'::text, \(Int32(sequence))::int, NULL::text, NULL::text, NULL::float8)"
            case .rejected(let reason, let nearest, let score):
                "(\(decision.id)::bigint, 'rejected'::text, NULL::int, \(reason)::text, \(nearest)::text, \(score)::float8)"
            }
        }
        // A VALUES list tells the planner its row count, so it joins by primary-key lookups.
        try await executor.execute("""
            UPDATE instructions AS i SET status = d.status, admission_seq = d.seq, reject_reason = d.reason,
                nearest_match = d.nearest, nearest_score = d.score, decided_at = now()
            FROM (VALUES \(fragment: SQLQuery.joined(values, separator: ", "))) AS d(id, status, seq, reason, nearest, score)
            WHERE i.id = d.id
            """, operation: "decisions")
    }

    /// How many instructions the run has admitted (also the highest admission sequence: admission is contiguous).
    public static func admittedCount(runID: Int64, on executor: some SQLExecutor) async throws -> Int {
        try await executor.query(
            "SELECT count(*) AS admitted FROM instructions WHERE run_id = \(runID) AND status = 'admitted'",
            operation: "admitted_count").singleRow().decode("admitted", as: Int.self)
    }

    /// Texts of the admitted instructions with the given admission sequence numbers.
    public static func admittedTexts(runID: Int64, sequences: Set<Int64>, on executor: some SQLExecutor) async throws
        -> [Int64: String]
    {
        if sequences.isEmpty { return [:] }
        var texts: [Int64: String] = [:]
        for row in try await executor.rows("""
            SELECT admission_seq, text FROM instructions
            WHERE run_id = \(runID) AND status = 'admitted' AND admission_seq = ANY(\(SQLArray.integers(sequences))::int[])
            """, operation: "admitted_texts") {
            texts[try row.decode("admission_seq", as: Int64.self)] = try row.decode("text", as: String.self)
        }
        return texts
    }

    /// The text admitted with `sequence`, if any.
    public static func admittedText(runID: Int64, sequence: Int64, on executor: some SQLExecutor) async throws -> String? {
        try await executor.rows("""
            SELECT text FROM instructions WHERE run_id = \(runID) AND admission_seq = \(Int32(clamping: sequence))
            """, operation: "admission_pool_check").first?.decode("text", as: String.self)
    }

    /// Admissions after sequence `after`, in admission order.
    public static func admitted(runID: Int64, after: Int64, on executor: some SQLExecutor) async throws
        -> [(sequence: Int64, text: String)]
    {
        try await executor.rows("""
            SELECT admission_seq, text FROM instructions
            WHERE run_id = \(runID) AND status = 'admitted' AND admission_seq > \(after)
            ORDER BY admission_seq
            """, operation: "admission_catch_up").map { row throws(StoreError) in
                (sequence: try row.decode("admission_seq"), text: try row.decode("text"))
            }
    }

    // MARK: - Import

    /// Rows per statement of an import: one array per column, so a statement's size grows with its rows only.
    static let importBatch = 10_000

    /// Stores the decided instructions of an imported file (`sictl import`), `importBatch` rows per statement (one
    /// array bind per column, unnested: a single parameter to parse per column, however many rows); returns their
    /// ids, parallel to `instructions`. Decisions and instance outcomes are written as the filter stages write
    /// them; the position is the instruction's index in the file.
    public static func insertImported(
        _ instructions: [ImportedInstruction], runID: Int64, on executor: some SQLExecutor
    ) async throws -> [Int64] {
        var ids = [Int64](repeating: 0, count: instructions.count)
        var start = 0
        while start < instructions.count {
            let batch = instructions[start..<min(start + importBatch, instructions.count)]
            var sequences: [Int64?] = [], reasons: [String?] = [], nearest: [String?] = [], scores: [Double?] = []
            for instruction in batch {
                switch instruction.decision {
                case .admitted(let sequence):
                    sequences.append(sequence); reasons.append(nil); nearest.append(nil); scores.append(nil)
                case .rejected(let reason, let match, let score):
                    sequences.append(nil); reasons.append(reason.rawValue); nearest.append(match); scores.append(score)
                }
            }
            for row in try await executor.rows("""
                INSERT INTO instructions (run_id, position, text, status, admission_seq, reject_reason, nearest_match,
                                          nearest_score, instance_outcome, decided_at)
                SELECT \(runID), v.position, v.text, CASE WHEN v.seq IS NULL THEN 'rejected' ELSE 'admitted' END, v.seq,
                       v.reason, v.nearest, v.score, v.outcome, now()
                FROM unnest(\(SQLArray.integers(batch.map { Int64($0.position) }))::int[],
                            \(SQLArray.text(batch.map(\.text)))::text[], \(SQLArray.integers(sequences))::int[],
                            \(SQLArray.text(reasons))::text[], \(SQLArray.text(nearest))::text[],
                            \(SQLArray.numbers(scores))::float8[], \(SQLArray.text(batch.map { $0.instanceOutcome?.rawValue }))::text[])
                     AS v(position, text, seq, reason, nearest, score, outcome)
                RETURNING id, position
                """, operation: "import_instructions") {
                ids[try row.decode("position", as: Int.self)] = try row.decode("id", as: Int64.self)
            }
            start = batch.endIndex
        }
        return ids
    }

    // MARK: - Later stages

    /// Admitted instruction `id` of run `runID` with its classification and its run's status. Anything but an
    /// admitted instruction of that run is a `RecordError` (a message naming it can never succeed).
    public static func admitted(id: Int64, runID: Int64, on executor: some SQLExecutor) async throws -> Admitted {
        let rows = try await executor.rows("""
            SELECT n.run_id, n.status, n.text, n.input, n.output, n.instances_raw, n.instances_finish_reason,
                   n.instance_outcome, c.is_classification, r.status AS run_status, r.pause_reason
            FROM instructions n JOIN runs r ON r.id = n.run_id
            LEFT JOIN classifications c ON c.instruction_id = n.id
            WHERE n.id = \(id)
            """, operation: "admitted_instruction")
        guard let row = rows.first else {
            throw RecordError(kind: "unknown_entity", message: "instruction \(id) does not exist")
        }
        let owner = try row.decode("run_id", as: Int64.self)
        guard owner == runID else {
            throw RecordError(kind: "wrong_run", message: "instruction \(id) belongs to run \(owner)")
        }
        guard try row.decode("status", as: String.self) == "admitted" else {
            throw RecordError(kind: "not_admitted", message: "instruction \(id) is not admitted")
        }
        return Admitted(
            id: id, runID: owner, text: try row.decode("text"), input: try row.decode("input"),
            output: try row.decode("output"), instancesRaw: try row.decode("instances_raw"),
            instancesFinishReason: try row.decode("instances_finish_reason"),
            isClassification: try row.decode("is_classification"),
            instanceOutcome: try row.decode("instance_outcome", as: InstanceOutcome?.self),
            runState: RunState(status: try row.decode("run_status", as: RunStatus.self),
                               pauseReason: try row.decode("pause_reason", as: PauseReason?.self)))
    }

    /// Stores the instance stage's raw completion once.
    public static func storeInstancesCompletion(
        id: Int64, text: String, finishReason: FinishReason, on executor: some SQLExecutor
    ) async throws {
        try await executor.execute("""
            UPDATE instructions SET instances_raw = \(text), instances_finish_reason = \(finishReason.apiValue)
            WHERE id = \(id) AND instances_raw IS NULL
            """, operation: "instances_raw")
    }

    /// Records that the teacher refused the instruction's call in `stage` (HTTP 400/404/422, prompt too long):
    /// its instance outcome is `failed`, with the server's message as the reason (`si_rejections`).
    public static func recordTeacherRefusal(
        id: Int64, stage: PipelineStage, reason: String, on executor: some SQLExecutor
    ) async throws {
        try await executor.execute("""
            UPDATE instructions SET instance_outcome = \(InstanceOutcome.failed), failed_stage = \(stage),
                   failure_reason = \(reason)
            WHERE id = \(id) AND status = 'admitted' AND instance_outcome IS NULL
            """, operation: "instruction_teacher_refused")
    }

    /// The run's instructions the teacher refused in `stage`, and those it answered there.
    public static func teacherOutcomes(
        runID: Int64, stage: PipelineStage, on executor: some SQLExecutor
    ) async throws -> (refused: Int, answered: Int) {
        let answered: SQLQuery = stage == .classify
            ? "(SELECT count(*) FROM classifications WHERE run_id = \(runID))"
            : "(SELECT count(*) FROM instructions WHERE run_id = \(runID) AND status = 'admitted' AND instances_raw IS NOT NULL)"
        let row = try await executor.query("""
            SELECT (SELECT count(*) FROM instructions WHERE run_id = \(runID) AND failed_stage = \(stage)) AS refused,
                   \(fragment: answered) AS answered
            """, operation: "teacher_outcomes").singleRow()
        return (refused: try row.decode("refused"), answered: try row.decode("answered"))
    }

    /// True when the run admitted its target and no admitted instruction still waits for its instance outcome
    /// (two index probes). The second is an ordered LIMIT 1 on `instructions_awaiting_instances_id`: written as
    /// NOT EXISTS, once statistics existed the planner multiplied the two conditions' selectivities, expected
    /// tens of thousands of matches and scanned the whole table (161 ms a probe at 200K rows, once a second).
    public static func runIsComplete(runID: Int64, target: Int, on executor: some SQLExecutor) async throws -> Bool {
        try await executor.query("""
            SELECT EXISTS (SELECT 1 FROM instructions WHERE run_id = \(runID) AND admission_seq = \(Int32(clamping: target)))
                   AND (SELECT id FROM instructions
                        WHERE run_id = \(runID) AND status = 'admitted' AND instance_outcome IS NULL
                        ORDER BY run_id, id LIMIT 1) IS NULL AS complete
            """, operation: "run_complete").singleRow().decode("complete", as: Bool.self)
    }

    // MARK: - Export and audit

    /// The texts of the instructions with `ids`, by id.
    public static func texts(ids: [Int64], on executor: some SQLExecutor) async throws -> [Int64: String] {
        var texts: [Int64: String] = [:]
        for row in try await executor.rows("""
            SELECT id, text FROM instructions WHERE id = ANY(\(SQLArray.integers(ids))::bigint[])
            """, operation: "instruction_texts") {
            texts[try row.decode("id", as: Int64.self)] = try row.decode("text", as: String.self)
        }
        return texts
    }

    /// Up to `limit` admitted instructions after sequence `after`, in admission order (keyset pagination).
    public static func admittedPage(runID: Int64, after: Int64, limit: Int, on executor: some SQLExecutor) async throws
        -> [(id: Int64, sequence: Int64, text: String)]
    {
        try await executor.rows("""
            SELECT id, admission_seq, text FROM instructions
            WHERE run_id = \(runID) AND admission_seq > \(Int32(clamping: after))
            ORDER BY admission_seq LIMIT \(limit)
            """, operation: "export_instructions").map { row throws(StoreError) in
                (id: try row.decode("id"), sequence: try row.decode("admission_seq"), text: try row.decode("text"))
            }
    }

    /// The texts of the run's admitted instructions in admission order (the report reads them all at once: 52,000
    /// instructions are a few megabytes).
    public static func admittedTextsInOrder(runID: Int64, on executor: some SQLExecutor) async throws -> [String] {
        try await executor.rows("""
            SELECT text FROM instructions WHERE run_id = \(runID) AND status = 'admitted' ORDER BY admission_seq
            """, operation: "report_instructions").map { row throws(StoreError) in try row.decode("text") }
    }

    /// Every admitted instruction in admission order, with its nearest match.
    public static func admittedDecisions(runID: Int64, on executor: some SQLExecutor) async throws -> [Decided] {
        try await executor.rows("""
            SELECT id, text, admission_seq, nearest_match, nearest_score FROM instructions
            WHERE run_id = \(runID) AND status = 'admitted' ORDER BY admission_seq, id
            """, operation: "audit_admitted").map { row throws(StoreError) in
                Decided(id: try row.decode("id"), text: try row.decode("text"), sequence: try row.decode("admission_seq"),
                        nearestMatch: try row.decode("nearest_match"), nearestScore: try row.decode("nearest_score"))
            }
    }

    /// Every candidate rejected for `reason`, in id order, with its recorded nearest match.
    public static func rejectedDecisions(
        runID: Int64, reason: AdmissionRejection, on executor: some SQLExecutor
    ) async throws -> [Decided] {
        try await executor.rows("""
            SELECT id, text, nearest_match, nearest_score FROM instructions
            WHERE run_id = \(runID) AND status = 'rejected' AND reject_reason = \(reason) ORDER BY id
            """, operation: "audit_rejected").map { row throws(StoreError) in
                Decided(id: try row.decode("id"), text: try row.decode("text"), sequence: nil,
                        nearestMatch: try row.decode("nearest_match"), nearestScore: try row.decode("nearest_score"))
            }
    }

    /// Admitted texts that occur more than once, with their copies and sequences, in order of first admission.
    public static func duplicateAdmittedTexts(runID: Int64, on executor: some SQLExecutor) async throws
        -> [(text: String, copies: Int, sequences: String)]
    {
        try await executor.rows("""
            SELECT text, count(*) AS copies, string_agg(admission_seq::text, ',' ORDER BY admission_seq) AS seqs
            FROM instructions WHERE run_id = \(runID) AND status = 'admitted'
            GROUP BY text HAVING count(*) > 1 ORDER BY min(admission_seq)
            """, operation: "audit_duplicate_texts").map { row throws(StoreError) in
                (text: try row.decode("text"), copies: try row.decode("copies"), sequences: try row.decode("seqs"))
            }
    }

    /// What an audit of admitted instructions finds: how many there are, how many break the rule, and a few of those.
    public struct AdmittedCheck: Sendable {
        public var admitted: Int
        public var violating: Int
        public var examples: [(id: Int64, text: String)]
    }

    /// Admitted instructions still without an instance outcome.
    public static func withoutInstanceOutcome(runID: Int64, examples: Int, on executor: some SQLExecutor) async throws
        -> AdmittedCheck
    {
        try await admittedCheck(runID: runID, join: "", violating: "n.instance_outcome IS NULL", examples: examples,
                                operation: "audit_instance_outcome", on: executor)
    }

    /// Admitted instructions without a classification (one the teacher refused to classify has failed instead, with
    /// its reason, and is not counted). Counted through a left join (one hash join; at most one
    /// classification per instruction, its primary key), listed with NOT EXISTS.
    public static func unclassified(runID: Int64, examples: Int, on executor: some SQLExecutor) async throws -> AdmittedCheck {
        try await admittedCheck(
            runID: runID, join: "LEFT JOIN classifications k ON k.instruction_id = n.id",
            violating: "k.instruction_id IS NULL AND n.failed_stage IS DISTINCT FROM 'classify'", examples: examples,
            operation: "audit_classified", on: executor,
            listing: "NOT EXISTS (SELECT 1 FROM classifications k WHERE k.instruction_id = n.id) AND n.failed_stage IS DISTINCT FROM 'classify'")
    }

    /// One pass over the run's admitted instructions for the count and the violating count, then the first few
    /// violators, only when there are any: the planner misjudges these filters (it multiplies the selectivities of
    /// correlated columns), and a listing that finds nothing walked the whole primary key.
    private static func admittedCheck(
        runID: Int64, join: String, violating: String, examples: Int, operation: String, on executor: some SQLExecutor,
        listing: String? = nil
    ) async throws -> AdmittedCheck {
        let counts = try await executor.query("""
            SELECT count(*) AS admitted, count(*) FILTER (WHERE \(unsafeRaw: violating)) AS violating
            FROM instructions n \(unsafeRaw: join) WHERE n.run_id = \(runID) AND n.status = 'admitted'
            """, operation: operation).singleRow()
        let violatingCount = try counts.decode("violating", as: Int.self)
        let violators = violatingCount == 0 ? [] : try await executor.rows("""
            SELECT n.id, n.text FROM instructions n
            WHERE n.run_id = \(runID) AND n.status = 'admitted' AND \(unsafeRaw: listing ?? violating) ORDER BY n.id LIMIT \(examples)
            """, operation: operation).map { row throws(StoreError) in (id: try row.decode("id", as: Int64.self), text: try row.decode("text", as: String.self)) }
        return AdmittedCheck(admitted: try counts.decode("admitted"), violating: violatingCount, examples: violators)
    }
}
