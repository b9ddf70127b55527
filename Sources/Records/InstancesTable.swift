// The `instances` table: generated input/output pairs, their validity decision and the shard that holds a
// valid one.

public import SelfInstruct
public import Store

/// Every statement over `instances`.
public enum InstancesTable {
    /// One instruction's filtered instances: kept (with the hygiene normalisations applied to each, `fixes[i]` for
    /// `kept[i]`, missing entries meaning none), removed by hygiene, and dropped with their reasons.
    public struct Filtered: Sendable {
        public var instructionID: Int64
        public var kept: [TaskInstance]
        public var fixes: [[HygieneReason]]
        public var removed: [HygieneRemoval]
        public var dropped: [DroppedInstance]

        public init(instructionID: Int64, kept: [TaskInstance], fixes: [[HygieneReason]] = [], removed: [HygieneRemoval] = [],
                    dropped: [DroppedInstance]) {
            self.instructionID = instructionID
            self.kept = kept
            self.fixes = fixes
            self.removed = removed
            self.dropped = dropped
        }
    }

    /// Records instructions' filtered instances (valid, or rejected with the reason) in one statement, per
    /// instruction in kept, hygiene-removed, dropped order; a redelivery inserts nothing twice. One instruction from
    /// the instance filter, a generation's from the Alpaca admission.
    public static func insert(_ instructions: [Filtered], runID: Int64, on executor: some SQLExecutor) async throws {
        var rows: [SQLQuery] = []
        for filtered in instructions {
            let instructionID = filtered.instructionID
            let kept = filtered.kept, fixes = filtered.fixes, removed = filtered.removed
            rows += kept.enumerated().map { position, instance in
                let applied = position < fixes.count ? fixes[position].map(\.rawValue) : []
                return """
                    (\(runID), \(instructionID), \(Int32(position)), \(instance.input), \(instance.output), 'valid', NULL::text, \
                    \(SQLArray.text(applied))::text[], now())
                    """
            }
            rows += removed.enumerated().map { offset, removal in
                """
                (\(runID), \(instructionID), \(Int32(kept.count + offset)), \(removal.instance.input), \(removal.instance.output), \
                'rejected', \(removal.reason), '{}'::text[], now())
                """
            }
            rows += filtered.dropped.enumerated().map { offset, dropped in
                """
                (\(runID), \(instructionID), \(Int32(kept.count + removed.count + offset)), \(dropped.instance.input), \
                \(dropped.instance.output), 'rejected', \(dropped.reason), '{}'::text[], now())
                """
            }
        }
        guard !rows.isEmpty else { return }
        try await executor.execute("""
            INSERT INTO instances (run_id, instruction_id, position, input, output, status, reject_reason, hygiene_fixes, decided_at)
            VALUES \(fragment: SQLQuery.joined(rows, separator: ", "))
            ON CONFLICT (instruction_id, position) DO NOTHING
            """, operation: "instances_insert")
    }

    /// Stores every record of an imported file as an instance of its instruction (`instructionIDs` parallel to
    /// `instructions`), positions in file order, valid (with the hygiene normalisations applied to it) or rejected
    /// with the reason; `InstructionsTable.importBatch` rows per statement, one array bind per column.
    public static func insertImported(
        _ instructions: [ImportedInstruction], instructionIDs: [Int64], runID: Int64, on executor: some SQLExecutor
    ) async throws {
        var owners: [Int64] = [], positions: [Int64] = [], inputs: [String] = [], outputs: [String] = []
        var reasons: [String?] = [], fixes: [String] = []
        func flush() async throws {
            guard !owners.isEmpty else { return }
            // Fixes travel as one comma-joined text per row (reason codes hold no comma): arrays of arrays must be
            // rectangular.
            try await executor.execute("""
                INSERT INTO instances (run_id, instruction_id, position, input, output, status, reject_reason, hygiene_fixes, decided_at)
                SELECT \(runID), v.instruction_id, v.position, v.input, v.output,
                       CASE WHEN v.reason IS NULL THEN 'valid' ELSE 'rejected' END, v.reason, string_to_array(v.fixes, ','), now()
                FROM unnest(\(SQLArray.integers(owners))::bigint[], \(SQLArray.integers(positions))::int[],
                            \(SQLArray.text(inputs))::text[], \(SQLArray.text(outputs))::text[], \(SQLArray.text(reasons))::text[],
                            \(SQLArray.text(fixes))::text[])
                     AS v(instruction_id, position, input, output, reason, fixes)
                """, operation: "import_instances")
            owners.removeAll(keepingCapacity: true); positions.removeAll(keepingCapacity: true)
            inputs.removeAll(keepingCapacity: true); outputs.removeAll(keepingCapacity: true)
            reasons.removeAll(keepingCapacity: true); fixes.removeAll(keepingCapacity: true)
        }
        for (instruction, id) in zip(instructions, instructionIDs) {
            for (position, instance) in instruction.instances.enumerated() {
                owners.append(id)
                positions.append(Int64(position))
                inputs.append(instance.input)
                outputs.append(instance.output)
                reasons.append(instance.status.rejectReason)
                fixes.append(instance.status.fixes.map(\.rawValue).joined(separator: ","))
                if owners.count == InstructionsTable.importBatch { try await flush() }
            }
        }
        try await flush()
    }

    /// Per hygiene reason, how many of the run's instances it removed or normalised and the first `examples` of
    /// them (by instance id), in `HygieneReason` declaration order; reasons that never applied are left out.
    public static func hygieneTallies(runID: Int64, examples: Int, on executor: some SQLExecutor) async throws -> [HygieneTally] {
        let rows = try await executor.rows("""
            WITH hits AS (
                SELECT s.id, s.instruction_id, s.input, s.output, s.reject_reason AS reason
                FROM instances s
                WHERE s.run_id = \(runID) AND s.status = 'rejected' AND s.reject_reason LIKE 'hygiene%'
                UNION ALL
                SELECT s.id, s.instruction_id, s.input, s.output, f.reason
                FROM instances s CROSS JOIN LATERAL unnest(s.hygiene_fixes) AS f (reason)
                WHERE s.run_id = \(runID) AND s.hygiene_fixes <> '{}'
            ), ranked AS (
                SELECT h.*, count(*) OVER (PARTITION BY h.reason) AS total,
                       row_number() OVER (PARTITION BY h.reason ORDER BY h.id) AS rank
                FROM hits h
            )
            SELECT r.reason, r.total, r.id, n.text, r.input, r.output
            FROM ranked r JOIN instructions n ON n.id = r.instruction_id
            WHERE r.rank <= \(Int32(clamping: max(examples, 1)))
            ORDER BY r.reason, r.rank
            """, operation: "hygiene_tallies")
        var tallies: [HygieneReason: HygieneTally] = [:]
        for row in rows {
            // A reason code this build does not know (a newer writer) is left out rather than failing the read.
            guard let reason = HygieneReason(rawValue: try row.decode("reason", as: String.self)) else { continue }
            let example = HygieneTally.Example(
                instanceID: try row.decode("id"), instruction: try row.decode("text"), input: try row.decode("input"),
                output: try row.decode("output"))
            let total: Int = try row.decode("total")
            tallies[reason, default: HygieneTally(reason: reason, count: total, examples: [])].examples.append(example)
        }
        return HygieneReason.allCases.compactMap { reason in
            tallies[reason].map { tally in
                var tally = tally
                tally.examples = Array(tally.examples.prefix(max(examples, 0)))
                return tally
            }
        }
    }

    /// The run's valid instances as shard keys, in admission order then position: all the shard plan needs.
    public static func validKeys(runID: Int64, on executor: some SQLExecutor) async throws -> [ShardKey] {
        try await executor.rows("""
            SELECT s.id, s.instruction_id
            FROM instances s JOIN instructions n ON n.id = s.instruction_id
            WHERE s.run_id = \(runID) AND s.status = 'valid'
            ORDER BY n.admission_seq, s.position
            """, operation: "valid_instance_keys").map { row throws(StoreError) in
                ShardKey(id: try row.decode("id"), instructionID: try row.decode("instruction_id"))
            }
    }

    /// The instances with `ids`: instruction, input and output, in no particular order. One table only: joined
    /// with `instructions`, a page was planned as a parallel scan of both tables (92 ms a page of 1,000).
    public static func contents(ids: [Int64], on executor: some SQLExecutor) async throws
        -> [(id: Int64, instructionID: Int64, input: String, output: String)]
    {
        try await executor.rows("""
            SELECT id, instruction_id, input, output FROM instances WHERE id = ANY(\(SQLArray.integers(ids))::bigint[])
            """, operation: "instance_contents").map { row throws(StoreError) in
                (id: try row.decode("id"), instructionID: try row.decode("instruction_id"), input: try row.decode("input"),
                 output: try row.decode("output"))
            }
    }

    /// Input and output of every valid instance of the run, in no particular order (for the report's lengths).
    public static func validTexts(runID: Int64, on executor: some SQLExecutor) async throws -> [(input: String, output: String)] {
        try await executor.rows("""
            SELECT input, output FROM instances WHERE run_id = \(runID) AND status = 'valid'
            """, operation: "report_instances").map { row throws(StoreError) in
                (input: try row.decode("input"), output: try row.decode("output"))
            }
    }

    /// The valid instances of the given instructions, in admission order then position.
    public static func valid(instructionIDs: [Int64], on executor: some SQLExecutor) async throws
        -> [(id: Int64, instructionID: Int64, input: String, output: String)]
    {
        try await executor.rows("""
            SELECT s.id, s.instruction_id, s.input, s.output FROM instances s
            JOIN instructions n ON n.id = s.instruction_id
            WHERE s.instruction_id = ANY(\(SQLArray.integers(instructionIDs))::bigint[]) AND s.status = 'valid'
            ORDER BY n.admission_seq, s.position
            """, operation: "export_instances").map { row throws(StoreError) in
                (id: try row.decode("id"), instructionID: try row.decode("instruction_id"), input: try row.decode("input"),
                 output: try row.decode("output"))
            }
    }

    /// Marks the instances with `ids` as written to `split` shard `number`. One `id = ANY(array)` update: planned
    /// as an index lookup whatever the table statistics say (a join against unnest() was planned as a nested loop
    /// over a sequential scan on a freshly grown table).
    public static func assign(ids: [Int64], split: ShardSplit, shard number: Int, on executor: some SQLExecutor) async throws {
        try await executor.execute("""
            UPDATE instances SET split = \(split.rawValue), shard_no = \(Int32(number)), sharded_at = now()
            WHERE id = ANY(\(SQLArray.integers(ids))::bigint[])
            """, operation: "instances_sharded")
    }

    /// The audit of sharding: valid instances, how many are in no written shard, and a few of those.
    public struct ShardingCheck: Sendable {
        public var valid: Int
        public var unsharded: Int
        /// Instance id, and the split and shard it names when it names one without a file.
        public var examples: [(id: Int64, split: String?, shard: Int?)]
    }

    /// Valid instances of the run that are in no shard, or name a shard that has no `shards` row. Counted against
    /// the run's distinct shard keys in one hash join (a per-row subquery inside an OR was costed high enough to be
    /// JIT-compiled, which took longer than the query); listed only when there are any (the planner cannot estimate
    /// the filter, and a listing that finds nothing walked the whole primary key).
    public static func shardingCheck(runID: Int64, examples: Int, on executor: some SQLExecutor) async throws -> ShardingCheck {
        let counts = try await executor.query("""
            SELECT count(*) AS valid, count(*) FILTER (WHERE s.shard_no IS NULL OR f.shard_no IS NULL) AS unsharded
            FROM instances s
            LEFT JOIN (SELECT DISTINCT split, shard_no FROM shards WHERE run_id = \(runID)) f
                   ON f.split = s.split AND f.shard_no = s.shard_no
            WHERE s.run_id = \(runID) AND s.status = 'valid'
            """, operation: "audit_sharded").singleRow()
        let unsharded = try counts.decode("unsharded", as: Int.self)
        let rows = unsharded == 0 ? [] : try await executor.rows("""
            SELECT s.id, s.shard_no, s.split FROM instances s
            WHERE s.run_id = \(runID) AND s.status = 'valid' AND (s.shard_no IS NULL OR NOT EXISTS (
                SELECT 1 FROM shards f WHERE f.run_id = s.run_id AND f.split = s.split AND f.shard_no = s.shard_no))
            ORDER BY s.id LIMIT \(examples)
            """, operation: "audit_unsharded")
        return ShardingCheck(
            valid: try counts.decode("valid"), unsharded: unsharded,
            examples: try rows.map { row throws(StoreError) in
                (id: try row.decode("id", as: Int64.self), split: try row.decode("split", as: String?.self),
                 shard: try row.decode("shard_no", as: Int?.self))
            })
    }

    /// How many of the run's instances name a shard.
    public static func shardedCount(runID: Int64, on executor: some SQLExecutor) async throws -> Int {
        try await executor.query(
            "SELECT count(*) AS n FROM instances WHERE run_id = \(runID) AND shard_no IS NOT NULL", operation: "sharded_count"
        ).singleRow().decode("n")
    }
}
