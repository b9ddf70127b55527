import Foundation
import Store
import TestSupport
import Testing

/// `sictl run estimate` (flags, run file, an existing run, earlier runs as evidence) and what `sictl status`
/// shows of a run that paused itself with a budget.
@Suite(.timeLimit(.minutes(2))) struct SictlEstimateTests {
    static func run(_ arguments: [String], databaseURL: String? = nil) throws -> SictlDedupTests.Outcome {
        try SictlRunTests.run(arguments, databaseURL: databaseURL)
    }

    @Test(arguments: [
        ([] as [String], "missing --recipe, --seeds, --target"),
        (["demo", "--recipe", "alpaca"], "give a RUN or the flags of a new run"),
        (["--recipe", "alpaca", "--seeds", "s.jsonl", "--target", "5", "--price-prompt=-1"], "--price-prompt must be a non-negative number"),
        (["--recipe", "dolly", "--seeds", "s.jsonl", "--target", "5"], "--recipe must be self-instruct or alpaca"),
    ])
    func flagErrorsAreUsageErrors(arguments: [String], message: String) throws {
        let outcome = try Self.run(["run", "estimate"] + arguments)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains(message))
    }

    @Test func aBadSeedFileNamesFileAndLine() throws {
        let dir = try SictlDedupTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let seeds = try SictlRunTests.writeSeeds(in: dir, lines: [SictlRunTests.seedLines[0], #"{"id": "s1"}"#])
        let outcome = try Self.run(["run", "estimate", "--recipe", "self-instruct", "--seeds", seeds, "--target", "5"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("seeds.jsonl:2:"))
    }

    @Test func helpTeachesWithExamples() throws {
        let help = try Self.run(["run", "estimate", "--help"])
        #expect(help.stdout.contains("sictl run estimate --recipe self-instruct --seeds seeds.jsonl --target 2000"))
        #expect(help.stdout.contains("--price-completion"))
    }

    /// A completed self-instruct run with 3 admissions from 2 requests and 8 teacher calls, written as the stages do.
    static func insertFinishedRun(_ db: PGConnection, url: String, seeds: String) throws -> String {
        let created = try Self.run(["run", "create", "--name", "earlier", "--recipe", "self-instruct", "--seeds", seeds,
                                    "--target", "3"], databaseURL: url)
        try #require(created.status == 0, "\(created.stderr)")
        let runID = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let scalar = SictlOperationsTests.scalar
        _ = try db.execute("UPDATE runs SET status = 'completed', started_at = now(), finished_at = now() WHERE id = $1", [runID])
        for (token, pool, texts) in [(0, "0", ["A one.", "A two.", "Rejected."]), (1, "2", ["A three."])] {
            let request = try #require(try scalar(db, """
                INSERT INTO generation_requests (run_id, token, round, status, pool_size, candidates) VALUES ($1, $2, 0, 'done', $3, $4)
                RETURNING id
                """, [runID, String(token), pool, String(texts.count)]))
            for (position, text) in texts.enumerated() {
                let admitted = text != "Rejected."
                let sequence = try scalar(db, "SELECT count(*) + 1 FROM instructions WHERE run_id = $1 AND status = 'admitted'", [runID])
                let id = try #require(try scalar(db, """
                    INSERT INTO instructions (run_id, request_id, position, text, status, admission_seq, reject_reason, instance_outcome)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
                    """, [runID, request, String(position), text, admitted ? "admitted" : "rejected", admitted ? sequence : nil,
                          admitted ? nil : "rouge_too_similar", admitted ? "generated" : nil]))
                if admitted {
                    _ = try db.execute("INSERT INTO classifications (instruction_id, run_id, is_classification) VALUES ($1, $2, false)", [id, runID])
                }
            }
        }
        for (stage, count, prompt, completion) in [("generate", 2, 1000, 400), ("classify", 3, 500, 1), ("instances", 3, 600, 100)] {
            for _ in 0..<count {
                _ = try db.execute("""
                    INSERT INTO llm_calls (run_id, stage, model, prompt_tokens, completion_tokens, latency_ms)
                    VALUES ($1, $2, 'si-sim-1', $3, $4, 5)
                    """, [runID, stage, String(prompt), String(completion)])
            }
        }
        return runID
    }

    @Test func estimateUsesEarlierRunsPricesAndBudget() throws {
        try SictlOperationsTests.withDatabase { url, db in
            let dir = try SictlDedupTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let seeds = try SictlRunTests.writeSeeds(in: dir)

            // No earlier run: documented defaults, and without prices the dollars are unknown (null, not 0).
            let fresh = try Self.run(["run", "estimate", "--recipe", "self-instruct", "--seeds", seeds, "--target", "100", "--json"], databaseURL: url)
            #expect(fresh.status == 0, "\(fresh.stderr)")
            let defaults = try SictlOperationsTests.json(fresh.stdout)
            #expect((defaults["observed_runs"] as? [Any])?.isEmpty == true)
            #expect(defaults["prices"] is NSNull)
            let freshTotal = try #require(defaults["total"] as? [String: Any])
            #expect(freshTotal["usd"] is NSNull)
            #expect((defaults["stages"] as? [[String: Any]])?.map { $0["stage"] as? String } == ["generate", "classify", "instances"])

            let earlier = try Self.insertFinishedRun(db, url: url, seeds: seeds)
            let priced = try Self.run(["run", "estimate", "--recipe", "self-instruct", "--seeds", seeds, "--target", "100",
                                       "--model", "si-sim-1", "--price-prompt", "1", "--price-completion", "2",
                                       "--budget-usd", "0.5", "--json"], databaseURL: url)
            #expect(priced.status == 0, "\(priced.stderr)")
            let document = try SictlOperationsTests.json(priced.stdout)
            #expect((document["observed_runs"] as? [Int]) == [Int(earlier)!])
            let stages = try #require(document["stages"] as? [[String: Any]])
            func expected(_ stage: Int, _ key: String) -> Double? {
                ((stages[stage][key] as? [String: Any])?["expected"] as? NSNumber)?.doubleValue
            }
            // Tokens per call as observed: 1000 + 400 per generate call, 500 + 1 per classify call.
            let generateCalls = try #require(expected(0, "calls"))
            #expect(abs(try #require(expected(0, "prompt_tokens")) / generateCalls - 1000) < 1e-6)
            #expect(abs(try #require(expected(0, "completion_tokens")) / generateCalls - 400) < 1e-6)
            #expect(expected(1, "calls") == 100)
            #expect(expected(1, "prompt_tokens") == 50_000)
            #expect(expected(2, "completion_tokens") == 10_000)
            let classifyUSD = try #require(expected(1, "usd"))
            #expect(abs(classifyUSD - (50_000 * 1 + 100 * 2) / 1e6) < 1e-9)
            let budget = try #require(document["budget"] as? [String: Any])
            #expect(budget["covers_high_end"] as? Bool == false)
            let affordable = try #require(budget["affordable_instructions"] as? [String: Any])
            #expect(((affordable["expected"] as? NSNumber)?.doubleValue ?? 0) > 0)

            // The human table: a row per stage and a total, and the verdict on the budget.
            let text = try Self.run(["run", "estimate", "--recipe", "self-instruct", "--seeds", seeds, "--target", "100",
                                     "--budget-usd", "0.5", "--price-prompt", "1", "--price-completion", "2"], databaseURL: url)
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("based on earlier run \(earlier)"))
            #expect(text.stdout.contains("\ntotal "))
            #expect(text.stdout.contains("budget $0.50: does not cover the high end; it buys about"))

            // An existing run by name: it is not evidence about itself.
            let existing = try Self.run(["run", "estimate", "earlier", "--target", "50", "--json"], databaseURL: url)
            #expect(existing.status == 0, "\(existing.stderr)")
            let own = try SictlOperationsTests.json(existing.stdout)
            #expect(own["target"] as? Int == 50)
            #expect((own["observed_runs"] as? [Any])?.isEmpty == true)
            let unknown = try Self.run(["run", "estimate", "no-such-run"], databaseURL: url)
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("no run 'no-such-run'"))
        }
    }

    @Test func statusShowsPauseReasonParkedMessagesBudgetAndEstimate() throws {
        try SictlOperationsTests.withDatabase { url, db in
            let dir = try SictlDedupTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let seeds = try SictlRunTests.writeSeeds(in: dir)
            let created = try Self.run(["run", "create", "--name", "capped", "--recipe", "self-instruct", "--seeds", seeds,
                                        "--target", "10", "--budget-usd", "5", "--price-prompt", "1", "--price-completion", "2"],
                                       databaseURL: url)
            try #require(created.status == 0, "\(created.stderr)")
            let runID = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try Self.run(["run", "start", "capped"], databaseURL: url).status == 0)
            // What a stage does when the next request would pass the cap.
            _ = try db.execute("UPDATE runs SET status = 'paused', pause_reason = 'budget_exhausted' WHERE id = $1", [runID])
            _ = try db.execute("""
                UPDATE run_budgets SET spent_usd = 4.5, spent_tokens = 1200, reserved_usd = 0.25, reserved_tokens = 300 WHERE run_id = $1
                """, [runID])
            _ = try db.execute("""
                INSERT INTO parked_messages (stage, message_id, run_id, body, reason) VALUES ('classify', 'm1', $1, '{}', 'budget_exhausted')
                """, [runID])
            _ = try db.execute("""
                INSERT INTO llm_calls (run_id, stage, model, prompt_tokens, completion_tokens, latency_ms, cost_usd)
                VALUES ($1, 'generate', 'si-sim-1', 1000, 100, 5, 0.0012)
                """, [runID])

            let status = try Self.run(["status", "capped", "--json"], databaseURL: url)
            #expect(status.status == 0, "\(status.stderr)")
            let runs = try #require(try SictlOperationsTests.json(status.stdout)["runs"] as? [[String: Any]])
            let run = try #require(runs.first)
            #expect(run["status"] as? String == "paused")
            #expect(run["pause_reason"] as? String == "budget_exhausted")
            #expect((run["pause_advice"] as? String)?.contains("sictl run resume capped --budget-usd") == true)
            #expect((run["parked_messages"] as? [String: Int]) == ["classify": 1])
            let budget = try #require(run["budget"] as? [String: Any])
            #expect((budget["cap_usd"] as? NSNumber)?.doubleValue == 5)
            #expect((budget["spent_usd"] as? NSNumber)?.doubleValue == 4.5)
            #expect((budget["reserved_tokens"] as? NSNumber)?.intValue == 300)
            let estimate = try #require(run["estimate"] as? [String: Any], "\(run["estimate_error"] ?? "no estimate")")
            let total = try #require(estimate["total"] as? [String: Any])
            #expect(total["actual_calls"] as? Int == 1)
            #expect(total["expected_usd"] is [String: Any])
            // Fields that were there before keep their names.
            #expect(run["admitted"] as? Int == 0)
            #expect(run["usage"] is [Any])

            let text = try Self.run(["status", "capped"], databaseURL: url)
            #expect(text.stdout.contains("paused      budget_exhausted: raise the cap"))
            #expect(text.stdout.contains("parked      classify 1 messages"))
            #expect(text.stdout.contains("budget      $4.5000 spent + $0.2500 reserved of $5.00"))
            #expect(text.stdout.contains("estimate    expected for the target"))
        }
    }
}
