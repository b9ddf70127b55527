import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A run on a paid teacher: the budget holds across every replica and pauses the run, a rejected key or an
/// unreachable teacher pauses it instead of dead-lettering its work, an item the teacher refuses fails once with
/// the server's message, and `sictl run resume` goes on with nothing lost. Separate daemon processes, the real
/// broker and database, the simulator, driven and audited with the built `sictl`.
@Suite(.serialized, .timeLimit(.minutes(10))) struct RunPauseTests {
    static func count(_ pipeline: PipelineProcesses, _ sql: String) throws -> Int {
        try pipeline.query(sql, column: "n", as: Int.self)
    }

    static func pauseReason(_ pipeline: PipelineProcesses, run: String) throws -> String? {
        try pipeline.query("SELECT pause_reason FROM si_run_progress WHERE name = '\(run)'", column: "pause_reason", as: String?.self)
    }

    /// Waits until no teacher request of the run holds a reservation (every in-flight call settled).
    static func waitUntilSettled(_ pipeline: PipelineProcesses, runID: Int) throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let reserved = try pipeline.query(
                "SELECT reserved_tokens FROM run_budgets WHERE run_id = \(runID)", column: "reserved_tokens", as: Int.self)
            if reserved == 0 { return }
            usleep(200_000)
        }
        Issue.record("reservations of run \(runID) were not settled within 60 s")
    }

    @Test("a dollar budget holds across 2 replicas per stage with 64 requests in flight: the run pauses with budget_exhausted, spend stays within the cap, and resume with a higher cap completes")
    func budgetPausesTheRunAndResumeCompletes() throws {
        let pipeline = try PipelineProcesses(faults: "")
        defer { pipeline.shutdown() }
        pipeline.workerEnvironment = ["SI_CONCURRENCY": "32"]
        try pipeline.startStages(recipe: "self-instruct", replicas: 2)
        // The cap is half of what `sictl run estimate` expects the whole run to cost at these prices.
        let estimate = try pipeline.sictl([
            "run", "estimate", "--recipe", "self-instruct", "--seeds", exampleSeedsPath, "--target", "200", "--model", "si-sim-1",
            "--price-prompt", "1.5", "--price-completion", "2", "--json",
        ])
        #expect(estimate.status == 0, "\(estimate.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(estimate.stdout.utf8)) as? [String: Any])
        let total = try #require(document["total"] as? [String: Any])
        let expectedUSD = try #require((total["usd"] as? [String: Any])?["expected"] as? Double)
        let cap = (expectedUSD / 2 * 10_000).rounded() / 10_000
        let created = try pipeline.sictl([
            "run", "create", "--name", "budget", "--recipe", "self-instruct", "--seeds", exampleSeedsPath, "--target", "200",
            "--concurrency", "8", "--seed", "11", "--price-prompt", "1.5", "--price-completion", "2", "--budget-usd", "\(cap)",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        let runID = try #require(Int(created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(try pipeline.sictl(["run", "start", "budget"]).status == 0)

        try pipeline.waitForStatus(name: "budget", status: "paused", timeout: .seconds(240))
        #expect(try Self.pauseReason(pipeline, run: "budget") == "budget_exhausted")
        try Self.waitUntilSettled(pipeline, runID: runID)
        let spent = try pipeline.query("SELECT spent_usd::float8 AS v FROM run_budgets WHERE run_id = \(runID)", column: "v", as: Double.self)
        let recorded = try pipeline.query(
            "SELECT coalesce(sum(cost_usd), 0)::float8 AS v FROM llm_calls WHERE run_id = \(runID)", column: "v", as: Double.self)
        #expect(spent <= cap, "spent \(spent) > cap \(cap)")
        #expect(recorded <= cap + 1e-9, "llm_calls cost \(recorded) > cap \(cap)")
        #expect(abs(spent - recorded) < 1e-6, "ledger \(spent) vs llm_calls \(recorded)")
        #expect(spent > cap * 0.5, "the run stopped far below its cap: \(spent)")
        #expect(try Self.count(pipeline, "SELECT count(*) AS n FROM dead_letters") == 0)
        let parked = try Self.count(pipeline, "SELECT count(*) AS n FROM parked_messages WHERE run_id = \(runID)")
        let status = try pipeline.sictl(["status", "budget"])
        #expect(status.stdout.contains("budget_exhausted"), "\(status.stdout)")

        // No request starts while paused.
        let callsWhilePaused = try Self.count(pipeline, "SELECT count(*) AS n FROM llm_calls WHERE run_id = \(runID)")
        usleep(2_000_000)
        #expect(try Self.count(pipeline, "SELECT count(*) AS n FROM llm_calls WHERE run_id = \(runID)") == callsWhilePaused)

        let resumed = try pipeline.sictl(["run", "resume", "budget", "--budget-usd", "5"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(parked > 0 && resumed.stdout.contains("parked messages sent again"), "\(resumed.stdout)")
        try pipeline.waitUntilCompleted(name: "budget", timeout: .seconds(300))
        try PipelineEndToEndTests.expectAuditPasses(pipeline, run: "budget")
        #expect(try Self.count(pipeline, "SELECT count(*) AS n FROM dead_letters") == 0)
        #expect(try Self.count(pipeline, "SELECT count(*) AS n FROM parked_messages") == 0)
        let finalSpent = try pipeline.query("SELECT spent_usd::float8 AS v FROM run_budgets WHERE run_id = \(runID)", column: "v", as: Double.self)
        let finalRecorded = try pipeline.query(
            "SELECT coalesce(sum(cost_usd), 0)::float8 AS v FROM llm_calls WHERE run_id = \(runID)", column: "v", as: Double.self)
        #expect(abs(finalSpent - finalRecorded) < 1e-6, "ledger \(finalSpent) vs llm_calls \(finalRecorded)")
        print("budget test: estimate $\(expectedUSD), cap $\(cap), spent at pause $\(spent) (\(callsWhilePaused) calls, \(parked) parked), total after resume $\(finalSpent)")
    }

    @Test("a rejected API key pauses the run within 10 s with teacher_credentials_rejected, dead-letters nothing and never shows the key; with the key fixed, resume completes")
    func wrongKeyPausesTheRunWithoutDeadLetters() throws {
        let rightKey = "sk-right-\(UInt64.random(in: 1...UInt64.max))"
        let wrongKey = "sk-wrong-\(UInt64.random(in: 1...UInt64.max))"
        let pipeline = try PipelineProcesses(faults: "", simulatorEnvironment: ["SI_SIM_API_KEY": rightKey])
        defer { pipeline.shutdown() }
        pipeline.workerEnvironment = ["SI_TEACHER_API_KEY": wrongKey]
        try pipeline.startStages(recipe: "self-instruct", replicas: 1)
        try pipeline.createAndStart(name: "key", recipe: "self-instruct", seeds: exampleSeedsPath, target: 100, concurrency: 4)
        let waited = try pipeline.waitForStatus(name: "key", status: "paused", timeout: .seconds(10))
        #expect(try Self.pauseReason(pipeline, run: "key") == "teacher_credentials_rejected")
        usleep(2_000_000)  // the messages in flight come back and are parked
        #expect(try Self.count(pipeline, "SELECT count(*) AS n FROM dead_letters") == 0)
        let status = try pipeline.sictl(["status", "key"])
        let statusJSON = try pipeline.sictl(["status", "key", "--json"])
        #expect(status.stdout.contains("teacher_credentials_rejected"), "\(status.stdout)")
        for text in [status.stdout, status.stderr, statusJSON.stdout, pipeline.allLogs()] {
            #expect(!text.contains(wrongKey) && !text.contains(rightKey), "an API key appears in logs or status")
        }
        let reason = try pipeline.query("SELECT coalesce(status_reason, '') AS r FROM runs WHERE name = 'key'", column: "r", as: String.self)
        #expect(!reason.contains(wrongKey))

        pipeline.stopWorkers()
        pipeline.workerEnvironment = ["SI_TEACHER_API_KEY": rightKey]
        try pipeline.startStages(recipe: "self-instruct", replicas: 1)
        #expect(try pipeline.sictl(["run", "resume", "key"]).status == 0)
        try pipeline.waitUntilCompleted(name: "key", timeout: .seconds(240))
        try PipelineEndToEndTests.expectAuditPasses(pipeline, run: "key")
        #expect(try Self.count(pipeline, "SELECT count(*) AS n FROM dead_letters") == 0)
        print("wrong-key test: paused after \(waited)")
    }

    @Test("an item the teacher refuses (HTTP 400) fails once with the server's message as its reason, is never retried, and the run still completes and audits")
    func refusedItemsFailOnceWithTheServersMessage() throws {
        let pipeline = try PipelineProcesses(faults: "400=0.04")
        defer { pipeline.shutdown() }
        try pipeline.startStages(recipe: "self-instruct", replicas: 1)
        try pipeline.createAndStart(name: "refused", recipe: "self-instruct", seeds: exampleSeedsPath, target: 150, concurrency: 4)
        try pipeline.waitUntilCompleted(name: "refused", timeout: .seconds(300))
        try PipelineEndToEndTests.expectAuditPasses(pipeline, run: "refused")
        let refusedCalls = try Self.count(pipeline, "SELECT count(*) AS n FROM llm_calls WHERE http_status = 400")
        #expect(refusedCalls > 0, "no 400 was injected")
        // Each refused request was sent once: no attempt after a 400 for the same request.
        #expect(try Self.count(pipeline, """
            SELECT count(*) AS n FROM llm_calls a JOIN llm_calls b ON b.request_hash = a.request_hash AND b.attempt > a.attempt
            WHERE a.http_status = 400
            """) == 0)
        #expect(try Self.count(pipeline, "SELECT count(*) AS n FROM dead_letters") == 0)
        let rejections = try Self.count(pipeline, """
            SELECT coalesce(sum(count), 0)::int AS n FROM si_rejections
            WHERE stage IN ('generate', 'classify', 'instances') AND reason LIKE '%flagged by the simulated moderation%'
            """)
        #expect(rejections == refusedCalls, "refused calls \(refusedCalls), rejections recorded \(rejections)")
    }

    @Test("a teacher that stays unreachable pauses the run with teacher_unreachable instead of dead-lettering; resume after it is back completes")
    func unreachableTeacherPausesTheRun() throws {
        let pipeline = try PipelineProcesses(faults: "")
        defer { pipeline.shutdown() }
        // A port nothing listens on: every connection is refused.
        pipeline.workerEnvironment = [
            "SI_TEACHER_URL": "http://127.0.0.1:9", "SI_TEACHER_UNREACHABLE_SECONDS": "3", "SI_TEACHER_MAX_ATTEMPTS": "2",
            "SI_MAX_ATTEMPTS": "2",
        ]
        try pipeline.startStages(recipe: "self-instruct", replicas: 1)
        try pipeline.createAndStart(name: "outage", recipe: "self-instruct", seeds: exampleSeedsPath, target: 60, concurrency: 4)
        let waited = try pipeline.waitForStatus(name: "outage", status: "paused", timeout: .seconds(60))
        #expect(try Self.pauseReason(pipeline, run: "outage") == "teacher_unreachable")
        usleep(2_000_000)
        #expect(try Self.count(pipeline, "SELECT count(*) AS n FROM dead_letters") == 0)

        pipeline.stopWorkers()
        pipeline.workerEnvironment = [:]
        try pipeline.startStages(recipe: "self-instruct", replicas: 1)
        #expect(try pipeline.sictl(["run", "resume", "outage"]).status == 0)
        try pipeline.waitUntilCompleted(name: "outage", timeout: .seconds(240))
        try PipelineEndToEndTests.expectAuditPasses(pipeline, run: "outage")
        #expect(try Self.count(pipeline, "SELECT count(*) AS n FROM dead_letters") == 0)
        print("unreachable test: paused after \(waited)")
    }
}
