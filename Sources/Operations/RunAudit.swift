import Foundation
public import Store
public import SelfInstruct

/// The result of one invariant check.
public struct AuditCheck: Sendable, Hashable, Codable {
    /// Stable snake_case name of the check.
    public var name: String
    public var passed: Bool
    /// How many items were examined.
    public var checked: Int
    /// How many items break the invariant.
    public var violations: Int
    /// Up to `RunAudit.exampleLimit` violating items, described for an operator.
    public var examples: [String]
    /// One line on what was checked (or why it was skipped).
    public var detail: String
}

/// Every check of one run; `passed` when all of them did.
public struct AuditReport: Sendable, Hashable, Encodable {
    public var runID: Int64
    public var name: String
    public var recipe: String
    public var status: String
    public var checks: [AuditCheck]
    public var passed: Bool { checks.allSatisfy(\.passed) }

    enum CodingKeys: String, CodingKey { case runID = "run_id", name, recipe, status, checks, passed }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(runID, forKey: .runID)
        try container.encode(name, forKey: .name)
        try container.encode(recipe, forKey: .recipe)
        try container.encode(status, forKey: .status)
        try container.encode(checks, forKey: .checks)
        try container.encode(passed, forKey: .passed)
    }
}

/// The invariants of architecture §5 that the database can prove, checked for one run.
///
/// Novelty is verified with the indexed filter: admitted instructions are replayed in `admission_seq` order,
/// each against the seeds and every earlier admission (ROUGE-L F is symmetric, so this covers every pair).
/// A candidate rejected as too similar is replayed against the pool prefix ending at its recorded nearest match
/// (the pool it was decided against held at least that prefix, and rejection is monotone in the pool).
public struct RunAudit: Sendable {
    public let database: Database
    /// The `reject_reason` the admission filter writes for a candidate too similar to the pool.
    public var noveltyRejectReason: String
    /// Where relative shard paths live (SI_SHARDS_DIR); nil skips reading shard files.
    public var shardsDirectory: String?
    public static let exampleLimit = 5

    public init(database: Database, noveltyRejectReason: String = AdmissionRejection.tooSimilar, shardsDirectory: String? = nil) {
        self.database = database
        self.noveltyRejectReason = noveltyRejectReason
        self.shardsDirectory = shardsDirectory
    }

    /// Runs every check on run `runID`.
    public func audit(runID: Int64) async throws -> AuditReport {
        let run = try await database.query(
            "SELECT name, recipe, status, target, threshold FROM runs WHERE id = \(runID)").decodableRows.first
        guard let run else { throw RunControlError.unknownRun(String(runID)) }
        let recipe = try run.decode("recipe", as: String.self)
        let target = try run.decode("target", as: Int.self)
        let threshold = try run.decode("threshold", as: Double.self)

        let seeds = try await database.query(
            "SELECT id, instruction FROM seed_tasks WHERE run_id = \(runID) ORDER BY position").decodableRows.map {
                (id: try $0.decode("id", as: String.self), text: try $0.decode("instruction", as: String.self))
            }
        let admitted = try await database.query("""
            SELECT id, text, admission_seq, nearest_match, nearest_score FROM instructions
            WHERE run_id = \(runID) AND status = 'admitted' ORDER BY admission_seq, id
            """).decodableRows.map { row in
                Decided(id: try row.decode("id"), text: try row.decode("text"), sequence: try row.decode("admission_seq"),
                        nearestMatch: try row.decode("nearest_match"), nearestScore: try row.decode("nearest_score"))
            }
        let rejected = try await database.query("""
            SELECT id, text, nearest_match, nearest_score FROM instructions
            WHERE run_id = \(runID) AND status = 'rejected' AND reject_reason = \(noveltyRejectReason) ORDER BY id
            """).decodableRows.map { row in
                Decided(id: try row.decode("id"), text: try row.decode("text"), sequence: nil,
                        nearestMatch: try row.decode("nearest_match"), nearestScore: try row.decode("nearest_score"))
            }

        var checks: [AuditCheck] = []
        checks.append(Self.check("admitted_equals_target", checked: admitted.count,
                                 violations: admitted.count == target ? [] : ["admitted \(admitted.count), target \(target)"],
                                 detail: "admitted \(admitted.count) of target \(target)"))
        checks.append(try await duplicateTexts(runID: runID))
        checks.append(Self.contiguity(admitted))
        checks += Self.novelty(seeds: seeds, admitted: admitted, rejected: rejected, threshold: threshold,
                               reason: noveltyRejectReason)
        checks.append(try await classified(runID: runID, recipe: recipe))
        checks.append(try await listCheck("admitted_have_instance_outcome", """
            SELECT n.id, n.text FROM instructions n WHERE n.run_id = \(runID) AND n.status = 'admitted'
            """, violating: "n.instance_outcome IS NULL",
            detail: "every admitted instruction has an instance-generation outcome"))
        checks.append(try await sharded(runID: runID))
        checks.append(try await shardCounts(runID: runID))
        checks.append(try await shardFiles(runID: runID))
        checks.append(try await llmUsage(runID: runID))
        checks.append(try await deadLetters(runID: runID))
        return AuditReport(runID: runID, name: try run.decode("name"), recipe: recipe,
                           status: try run.decode("status"), checks: checks)
    }

    struct Decided {
        var id: Int64
        var text: String
        var sequence: Int64?
        var nearestMatch: String?
        var nearestScore: Double?
    }

    static func check(_ name: String, checked: Int, violations: [String], total: Int? = nil, detail: String) -> AuditCheck {
        AuditCheck(name: name, passed: (total ?? violations.count) == 0,
                   checked: checked, violations: total ?? violations.count,
                   examples: Array(violations.prefix(exampleLimit)), detail: detail)
    }

    static func quote(_ text: String) -> String {
        let short = text.count > 80 ? String(text.prefix(77)) + "..." : text
        return JSONWriter.quoted(short)
    }

    private func duplicateTexts(runID: Int64) async throws -> AuditCheck {
        let rows = try await database.query("""
            SELECT text, count(*) AS copies, string_agg(admission_seq::text, ',' ORDER BY admission_seq) AS seqs
            FROM instructions WHERE run_id = \(runID) AND status = 'admitted'
            GROUP BY text HAVING count(*) > 1 ORDER BY min(admission_seq)
            """).decodableRows
        let examples = try rows.map {
            "\(Self.quote(try $0.decode("text", as: String.self))) admitted \(try $0.decode("copies", as: Int.self)) times (seq \(try $0.decode("seqs", as: String.self)))"
        }
        return Self.check("admitted_text_unique", checked: rows.count, violations: examples,
                          detail: "no admitted text twice")
    }

    static func contiguity(_ admitted: [Decided]) -> AuditCheck {
        var problems: [String] = []
        var expected: Int64 = 1
        for row in admitted {
            guard let sequence = row.sequence else { continue }
            if sequence == expected - 1 {
                problems.append("admission_seq \(sequence) used twice")
            } else if sequence != expected {
                problems.append(sequence > expected
                    ? "gap: admission_seq \(expected)...\(sequence - 1) missing" : "admission_seq \(sequence) out of order")
            }
            expected = sequence + 1
        }
        return check("admission_seq_contiguous", checked: admitted.count, violations: problems,
                     detail: "admission_seq is 1...\(admitted.count) without gaps")
    }

    /// Pairwise novelty of the admitted set and the greedy replay of every novelty decision.
    static func novelty(seeds: [(id: String, text: String)], admitted: [Decided], rejected: [Decided],
                        threshold: Double, reason: String) -> [AuditCheck] {
        var pool = AdmissionPool(threshold: threshold, seedInstructions: seeds.map(\.text))
        // Prefix length (admissions) after which each pool text is present; seeds are there from the start.
        var prefixOfText: [String: Int] = [:]
        for seed in seeds where prefixOfText[seed.text] == nil { prefixOfText[seed.text] = 0 }
        for (index, row) in admitted.enumerated() where prefixOfText[row.text] == nil { prefixOfText[row.text] = index + 1 }

        var replayProblems: [String] = []
        var byPrefix: [Int: [Decided]] = [:]
        for row in rejected {
            guard let match = row.nearestMatch, let prefix = prefixOfText[match] else {
                replayProblems.append("candidate \(row.id) \(quote(row.text)) rejected as \(reason) but its nearest match "
                    + (row.nearestMatch.map { "\(quote($0)) is not in the pool" } ?? "is not recorded"))
                continue
            }
            byPrefix[prefix, default: []].append(row)
        }
        func member(_ index: Int?) -> String {
            guard let index else { return "nothing" }
            return index < seeds.count ? "seed \(seeds[index].id)" : "admission #\(admitted[index - seeds.count].sequence ?? 0)"
        }
        func replayRejections(prefix: Int) {
            for row in byPrefix[prefix] ?? [] {
                let decision = pool.evaluate(row.text)
                if decision.keep {
                    replayProblems.append("candidate \(row.id) \(quote(row.text)) was rejected, but the greedy filter keeps it (max F \(decision.maxScore) vs \(member(decision.bestMatch)))")
                } else if let recorded = row.nearestScore, recorded != decision.maxScore {
                    replayProblems.append("candidate \(row.id): recorded nearest score \(recorded), replay gives \(decision.maxScore)")
                }
            }
        }

        var pairProblems: [String] = []
        replayRejections(prefix: 0)
        for (index, row) in admitted.enumerated() {
            let decision = pool.evaluate(row.text)
            if !decision.keep {
                pairProblems.append("admission #\(row.sequence ?? 0) \(quote(row.text)) vs \(member(decision.bestMatch)): F \(decision.maxScore) > \(threshold)")
                replayProblems.append("admission #\(row.sequence ?? 0) (candidate \(row.id)) would be rejected by the greedy filter")
            } else if let recorded = row.nearestScore, recorded != decision.maxScore {
                replayProblems.append("admission #\(row.sequence ?? 0): recorded nearest score \(recorded), replay gives \(decision.maxScore)")
            }
            // The pool keeps every admitted text, even a violating one, as the recorded run did.
            try? pool.admit(row.text, sequence: Int64(index + 1))
            replayRejections(prefix: index + 1)
        }
        return [
            check("novelty_pairs_below_threshold", checked: admitted.count, violations: pairProblems,
                  detail: "every admitted instruction has ROUGE-L F <= \(threshold) against the \(seeds.count) seeds and every earlier admission"),
            check("greedy_replay", checked: admitted.count + rejected.count, violations: replayProblems,
                  detail: "\(admitted.count) admissions and \(rejected.count) '\(reason)' rejections reproduced by the greedy filter in admission order"),
        ]
    }

    private func classified(runID: Int64, recipe: String) async throws -> AuditCheck {
        guard recipe == "self-instruct" else {
            return Self.check("admitted_classified", checked: 0, violations: [], detail: "skipped: the \(recipe) recipe has no classification stage")
        }
        return try await listCheck("admitted_classified", """
            SELECT n.id, n.text FROM instructions n
            WHERE n.run_id = \(runID) AND n.status = 'admitted'
            """, violating: "NOT EXISTS (SELECT 1 FROM classifications k WHERE k.instruction_id = n.id)",
            detail: "every admitted instruction is classified")
    }

    /// Counts the admitted rows, and lists up to `exampleLimit` of those matching `violating`.
    private func listCheck(_ name: String, _ base: SQLQuery, violating: String, detail: String) async throws -> AuditCheck {
        let total = try await database.query("SELECT count(*) AS n FROM (\(fragment: base)) AS b").singleRow().decode("n", as: Int.self)
        let bad = try await database.query("""
            \(fragment: base) AND \(unsafeRaw: violating) ORDER BY 1 LIMIT \(Self.exampleLimit)
            """)
        let badCount = try await database.query("""
            SELECT count(*) AS n FROM (\(fragment: base) AND \(unsafeRaw: violating)) AS b
            """).singleRow().decode("n", as: Int.self)
        let examples = try bad.decodableRows.map {
            "instruction \(try $0.decode("id", as: Int64.self)) \(Self.quote(try $0.decode("text", as: String.self)))"
        }
        return Self.check(name, checked: total, violations: examples, total: badCount, detail: detail)
    }

    private func sharded(runID: Int64) async throws -> AuditCheck {
        let total = try await database.query(
            "SELECT count(*) AS n FROM instances WHERE run_id = \(runID) AND status = 'valid'").singleRow().decode("n", as: Int.self)
        let missing = """
            SELECT s.id, s.shard_no, s.split FROM instances s
            WHERE s.run_id = \(runID) AND s.status = 'valid'
              AND (s.shard_no IS NULL OR NOT EXISTS (
                   SELECT 1 FROM shards f WHERE f.run_id = s.run_id AND f.split = s.split AND f.shard_no = s.shard_no))
            """
        let count = try await database.query("SELECT count(*) AS n FROM (\(unsafeRaw: missing)) AS m")
            .singleRow().decode("n", as: Int.self)
        let rows = try await database.query("\(unsafeRaw: missing) ORDER BY s.id LIMIT \(Self.exampleLimit)").decodableRows
        let examples = try rows.map { row -> String in
            let id = try row.decode("id", as: Int64.self)
            if let shard = try row.decode("shard_no", as: Int?.self) {
                return "instance \(id) names \(try row.decode("split", as: String?.self) ?? "?") shard \(shard), which has no file"
            }
            return "instance \(id) is in no shard"
        }
        return Self.check("valid_instances_sharded", checked: total, violations: examples, total: count,
                          detail: "every valid instance is in a written shard")
    }

    /// Per output format, the shard files hold exactly the sharded instances (so none is in two shards).
    private func shardCounts(runID: Int64) async throws -> AuditCheck {
        let rows = try await database.query("""
            SELECT f.format, sum(f.record_count)::bigint AS records,
                   (SELECT count(*) FROM instances s WHERE s.run_id = \(runID) AND s.shard_no IS NOT NULL) AS sharded
            FROM shards f WHERE f.run_id = \(runID) GROUP BY f.format ORDER BY f.format
            """).decodableRows
        var problems: [String] = []
        for row in rows {
            let records = try row.decode("records", as: Int.self), sharded = try row.decode("sharded", as: Int.self)
            if records != sharded {
                problems.append("format \(try row.decode("format", as: String.self)): shard files hold \(records) records, \(sharded) instances are sharded")
            }
        }
        return Self.check("shard_record_counts", checked: rows.count, violations: problems,
                          detail: "per format, shard record counts equal the sharded instances (\(rows.count) formats)")
    }

    /// Each shard file has the size and sha256 its row promises, and a JSON Lines file the record count.
    private func shardFiles(runID: Int64) async throws -> AuditCheck {
        guard let shardsDirectory else {
            return Self.check("shard_files_match", checked: 0, violations: [],
                              detail: "skipped: no shards directory given (SI_SHARDS_DIR or --shards-dir)")
        }
        let rows = try await database.query("""
            SELECT path, format, record_count, byte_count, sha256 FROM shards WHERE run_id = \(runID) ORDER BY id
            """).decodableRows
        var problems: [String] = []
        for row in rows {
            let path = try row.decode("path", as: String.self)
            let full = path.hasPrefix("/") ? path : shardsDirectory + "/" + path
            guard let data = FileManager.default.contents(atPath: full) else {
                problems.append("\(path): missing or unreadable")
                continue
            }
            let bytes = [UInt8](data)
            let digest = SHA256.hexDigest(ofBytes: bytes)
            var mismatches: [String] = []
            let byteCount = try row.decode("byte_count", as: Int.self)
            if bytes.count != byteCount { mismatches.append("\(bytes.count) bytes, manifest \(byteCount)") }
            if digest != (try row.decode("sha256", as: String.self)) { mismatches.append("sha256 differs") }
            if try row.decode("format", as: String.self) == "jsonl" {
                let lines = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } + (bytes.last.map { $0 == 0x0A ? 0 : 1 } ?? 0)
                let records = try row.decode("record_count", as: Int.self)
                if lines != records { mismatches.append("\(lines) records, manifest \(records)") }
            }
            if !mismatches.isEmpty { problems.append("\(path): " + mismatches.joined(separator: ", ")) }
        }
        return Self.check("shard_files_match", checked: rows.count, violations: problems,
                          detail: "shard files match their manifest rows (size, sha256, JSON Lines record count)")
    }

    private func llmUsage(runID: Int64) async throws -> AuditCheck {
        let rows = try await database.query("""
            WITH calls AS (
                SELECT stage, model, count(*) AS calls, sum(prompt_tokens)::bigint AS prompt_tokens,
                       sum(completion_tokens)::bigint AS completion_tokens, sum(cost_usd) AS cost_usd
                FROM llm_calls WHERE run_id = \(runID) GROUP BY stage, model
            ), usage AS (
                SELECT stage, model, calls, prompt_tokens, completion_tokens, cost_usd FROM si_llm_usage WHERE run_id = \(runID)
            )
            SELECT coalesce(c.stage, u.stage) AS stage, coalesce(c.model, u.model) AS model,
                   c.calls AS c_calls, u.calls AS u_calls, c.prompt_tokens AS c_prompt, u.prompt_tokens AS u_prompt,
                   c.completion_tokens AS c_completion, u.completion_tokens AS u_completion,
                   c.cost_usd::text AS c_cost, u.cost_usd::text AS u_cost,
                   (c.calls IS NOT DISTINCT FROM u.calls AND c.prompt_tokens IS NOT DISTINCT FROM u.prompt_tokens
                    AND c.completion_tokens IS NOT DISTINCT FROM u.completion_tokens
                    AND c.cost_usd IS NOT DISTINCT FROM u.cost_usd) AS equal
            FROM calls c FULL JOIN usage u ON c.stage = u.stage AND c.model = u.model
            ORDER BY 1, 2
            """).decodableRows
        var problems: [String] = []
        for row in rows where try !row.decode("equal", as: Bool.self) {
            func pair(_ name: String) throws -> String {
                "\(name) \(try row.decode("c_" + name, as: String?.self) ?? "none") vs \(try row.decode("u_" + name, as: String?.self) ?? "none")"
            }
            problems.append("\(try row.decode("stage", as: String.self))/\(try row.decode("model", as: String.self)): llm_calls vs si_llm_usage: "
                + (try ["calls", "prompt", "completion", "cost"].map(pair).joined(separator: ", ")))
        }
        return Self.check("llm_usage_totals", checked: rows.count, violations: problems,
                          detail: "si_llm_usage equals the sums of llm_calls per stage and model")
    }

    private func deadLetters(runID: Int64) async throws -> AuditCheck {
        let rows = try await database.query("""
            SELECT id, stage, message_id, last_error, count(*) OVER () AS total FROM dead_letters
            WHERE run_id = \(runID) AND replayed_at IS NULL ORDER BY id LIMIT \(Self.exampleLimit)
            """).decodableRows
        let all = try await database.query("SELECT count(*) AS n FROM dead_letters WHERE run_id = \(runID)")
            .singleRow().decode("n", as: Int.self)
        let total = try rows.first?.decode("total", as: Int.self) ?? 0
        let examples = try rows.map {
            "\(try $0.decode("stage", as: String.self)) message \(try $0.decode("message_id", as: String.self)): \(try $0.decode("last_error", as: String.self))"
        }
        return Self.check("dead_letters_resolved", checked: all, violations: examples, total: total,
                          detail: "no dead letter left unreplayed")
    }
}
