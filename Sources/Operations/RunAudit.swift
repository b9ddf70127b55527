import Foundation
import Records
public import SelfInstruct
public import Store

/// The invariants of architecture §5 that the database can prove, checked for one run.
///
/// Novelty is verified with the indexed filter: admitted instructions are replayed in `admission_seq` order,
/// each against the seeds and every earlier admission (ROUGE-L F is symmetric, so this covers every pair).
/// A candidate rejected as too similar is replayed against the pool prefix ending at its recorded nearest match
/// (the pool it was decided against held at least that prefix, and rejection is monotone in the pool).
public struct RunAudit: Sendable {
    public let database: Database
    /// The `reject_reason` the admission filter writes for a candidate too similar to the pool.
    public var noveltyRejectReason: AdmissionRejection
    /// Where relative shard paths live (SI_SHARDS_DIR); nil skips reading shard files.
    public var shardsDirectory: String?
    public static let exampleLimit = 5

    public init(database: Database, noveltyRejectReason: AdmissionRejection = .tooSimilar, shardsDirectory: String? = nil) {
        self.database = database
        self.noveltyRejectReason = noveltyRejectReason
        self.shardsDirectory = shardsDirectory
    }

    /// Runs every check on run `runID`.
    public func audit(runID: Int64) async throws -> AuditReport {
        guard let run = try await RunsTable.summary(id: runID, on: database) else {
            throw RunControlError.unknownRun(String(runID))
        }
        let seeds = try await SeedTasksTable.tasks(runID: runID, on: database).map { (id: $0.id, text: $0.instruction) }
        let admitted = try await InstructionsTable.admittedDecisions(runID: runID, on: database)
        let rejected = try await InstructionsTable.rejectedDecisions(runID: runID, reason: noveltyRejectReason, on: database)

        let configJSON = try await RunsTable.configJSON(id: runID, on: database)
        // The novelty replay tokenizes as the run did: runs.config's language (a run's, or an import's provenance).
        let language = configJSON.flatMap { (try? RunSettings(json: $0))?.language } ?? .en

        var checks: [AuditCheck] = []
        checks.append(Self.check("admitted_equals_target", checked: admitted.count,
                                 violations: admitted.count == run.target ? [] : ["admitted \(admitted.count), target \(run.target)"],
                                 detail: "admitted \(admitted.count) of target \(run.target)"))
        checks.append(try await duplicateTexts(runID: runID))
        checks.append(Self.contiguity(admitted))
        checks += Self.novelty(seeds: seeds, admitted: admitted, rejected: rejected, threshold: run.threshold,
                               reason: noveltyRejectReason.rawValue, language: language)
        // An imported data set went through neither classification nor sharding: `sictl export` writes its data.
        let imported = configJSON.flatMap(ImportProvenance.init(configJSON:))
        if let imported, run.recipe == .selfInstruct {
            checks.append(Self.skipped("admitted_classified", imported, "no classification stage"))
        } else {
            checks.append(try await classified(runID: runID, recipe: run.recipe))
        }
        checks.append(Self.check(
            "admitted_have_instance_outcome",
            try await InstructionsTable.withoutInstanceOutcome(runID: runID, examples: Self.exampleLimit, on: database),
            detail: "every admitted instruction has an instance-generation outcome"))
        if let imported {
            checks += ["valid_instances_sharded", "shard_record_counts", "shard_files_match"].map {
                Self.skipped($0, imported, "no shards (sictl export writes its data)")
            }
        } else {
            checks.append(try await sharded(runID: runID))
            checks.append(try await shardCounts(runID: runID))
            checks.append(try await shardFiles(runID: runID))
        }
        checks.append(try await llmUsage(runID: runID))
        checks.append(try await deadLetters(runID: runID))
        return AuditReport(runID: runID, name: run.name, recipe: run.recipe.rawValue, status: run.status.rawValue, checks: checks)
    }

    typealias Decided = InstructionsTable.Decided

    static func check(_ name: String, checked: Int, violations: [String], total: Int? = nil, detail: String) -> AuditCheck {
        AuditCheck(name: name, passed: (total ?? violations.count) == 0,
                   checked: checked, violations: total ?? violations.count,
                   examples: Array(violations.prefix(exampleLimit)), detail: detail)
    }

    /// A check that does not apply to a run imported by `sictl import`.
    static func skipped(_ name: String, _ imported: ImportProvenance, _ lacks: String) -> AuditCheck {
        check(name, checked: 0, violations: [], detail: "skipped: imported run (from \(imported.path)), \(lacks)")
    }

    static func quote(_ text: String) -> String {
        let short = text.count > 80 ? String(text.prefix(77)) + "..." : text
        return JSONWriter.quoted(short)
    }

    /// A check over admitted instructions, from the counts and examples the records module found.
    static func check(_ name: String, _ found: InstructionsTable.AdmittedCheck, detail: String) -> AuditCheck {
        check(name, checked: found.admitted,
              violations: found.examples.map { "instruction \($0.id) \(quote($0.text))" }, total: found.violating,
              detail: detail)
    }

    private func duplicateTexts(runID: Int64) async throws -> AuditCheck {
        let rows = try await InstructionsTable.duplicateAdmittedTexts(runID: runID, on: database)
        let examples = rows.map { "\(Self.quote($0.text)) admitted \($0.copies) times (seq \($0.sequences))" }
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
                        threshold: Double, reason: String, language: RunLanguage = .en) -> [AuditCheck] {
        var pool = AdmissionPool(threshold: threshold, seedInstructions: seeds.map(\.text), language: language)
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

    private func classified(runID: Int64, recipe: Recipe) async throws -> AuditCheck {
        guard recipe == .selfInstruct else {
            return Self.check("admitted_classified", checked: 0, violations: [],
                              detail: "skipped: the \(recipe.rawValue) recipe has no classification stage")
        }
        return Self.check("admitted_classified",
                          try await InstructionsTable.unclassified(runID: runID, examples: Self.exampleLimit, on: database),
                          detail: "every admitted instruction is classified")
    }

    private func sharded(runID: Int64) async throws -> AuditCheck {
        let found = try await InstancesTable.shardingCheck(runID: runID, examples: Self.exampleLimit, on: database)
        let examples = found.examples.map { example -> String in
            if let shard = example.shard {
                return "instance \(example.id) names \(example.split ?? "?") shard \(shard), which has no file"
            }
            return "instance \(example.id) is in no shard"
        }
        return Self.check("valid_instances_sharded", checked: found.valid, violations: examples, total: found.unsharded,
                          detail: "every valid instance is in a written shard")
    }

    /// Per output format, the shard files hold exactly the sharded instances (so none is in two shards); the
    /// `self-instruct` files at most that many (a rendered prompt/completion pair is written once, as the reference
    /// writes it).
    private func shardCounts(runID: Int64) async throws -> AuditCheck {
        let formats = try await ShardsTable.recordsPerFormat(runID: runID, on: database)
        let sharded = formats.isEmpty ? 0 : try await InstancesTable.shardedCount(runID: runID, on: database)
        let problems = formats.filter { found in
            TrainingFormat(rawValue: found.format)?.keepsEveryRecord == false ? found.records > sharded : found.records != sharded
        }.map {
            "format \($0.format): shard files hold \($0.records) records, \(sharded) instances are sharded"
        }
        return Self.check("shard_record_counts", checked: formats.count, violations: problems,
                          detail: "per format, shard record counts equal the sharded instances (\(formats.count) formats)")
    }

    /// Each shard file has the size and sha256 its row promises, and a JSON Lines file the record count.
    private func shardFiles(runID: Int64) async throws -> AuditCheck {
        guard let shardsDirectory else {
            return Self.check("shard_files_match", checked: 0, violations: [],
                              detail: "skipped: no shards directory given (SI_SHARDS_DIR or --shards-dir)")
        }
        let files = try await ShardsTable.files(runID: runID, on: database)
        var problems: [String] = []
        for file in files {
            let full = file.path.hasPrefix("/") ? file.path : shardsDirectory + "/" + file.path
            guard let data = FileManager.default.contents(atPath: full) else {
                problems.append("\(file.path): missing or unreadable")
                continue
            }
            let bytes = [UInt8](data)
            var mismatches: [String] = []
            if bytes.count != file.bytes { mismatches.append("\(bytes.count) bytes, manifest \(file.bytes)") }
            if SHA256.hexDigest(ofBytes: bytes) != file.sha256 { mismatches.append("sha256 differs") }
            if TrainingFormat(rawValue: file.format)?.isLineFormat ?? false {
                let lines = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } + (bytes.last.map { $0 == 0x0A ? 0 : 1 } ?? 0)
                if lines != file.records { mismatches.append("\(lines) records, manifest \(file.records)") }
            }
            if !mismatches.isEmpty { problems.append("\(file.path): " + mismatches.joined(separator: ", ")) }
        }
        return Self.check("shard_files_match", checked: files.count, violations: problems,
                          detail: "shard files match their manifest rows (size, sha256, JSON Lines record count)")
    }

    private func llmUsage(runID: Int64) async throws -> AuditCheck {
        let found = try await TeacherCallsTable.usageMismatches(runID: runID, on: database)
        let problems = found.mismatches.map { mismatch in
            "\(mismatch.stage)/\(mismatch.model): llm_calls vs si_llm_usage: "
                + mismatch.pairs.map { "\($0.name) \($0.calls) vs \($0.view)" }.joined(separator: ", ")
        }
        return Self.check("llm_usage_totals", checked: found.pairs, violations: problems,
                          detail: "si_llm_usage equals the sums of llm_calls per stage and model")
    }

    private func deadLetters(runID: Int64) async throws -> AuditCheck {
        let unreplayed = try await DeadLettersTable.unreplayed(runID: runID, limit: Self.exampleLimit, on: database)
        let all = try await DeadLettersTable.count(runID: runID, on: database)
        let examples = unreplayed.letters.map { "\($0.stage) message \($0.messageID): \($0.lastError)" }
        return Self.check("dead_letters_resolved", checked: all, violations: examples, total: unreplayed.total,
                          detail: "no dead letter left unreplayed")
    }
}
