// Batch mode's other half (issue 15): sends the requests that stage handlers stored in `batch_requests` to the
// provider's batch API and brings the answers back. Every step runs in a transaction that holds its batch row
// (FOR UPDATE SKIP LOCKED), so replicas share the work and never do one step twice at once; each step's outcome is
// committed before the next starts, so a process killed anywhere is followed by one that resumes from the row:
//
//   preparing ── upload the input file ──► submitting ── find or create the batch ──► submitted ── poll ──► done
//
// Creating is the one step that must not repeat: before it, the provider's batches are searched for one made from
// the uploaded file (a process may have died after creating it, before recording it). Reading the results is one
// transaction: answers, call records, budget settlements and the messages sent again commit together.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Logging
public import Records
public import SelfInstruct
import Stages
public import ServiceLifecycle
public import Store
public import Teacher
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends one daemon's batched requests and reads their results; a `Service` of the stage daemons that call the teacher.
public final class BatchService: Service {
    /// What the service did so far (tests, logs).
    public struct Counters: Sendable, Hashable {
        public var batchesMade = 0
        public var filesUploaded = 0
        public var batchesCreated = 0
        /// Batches found at the provider after a restart instead of being created again.
        public var batchesAdopted = 0
        public var batchesRead = 0
        public var answered = 0
        public var failed = 0
        public var resubmitted = 0
    }

    /// Server errors (not expiries) one request may meet in batches before it fails for good.
    static let maximumErrorSubmissions = 3

    private let stages: [PipelineStage]
    private let database: Database
    private let client: BatchClient
    private let teacher: TeacherClient
    private let catalog: RunCatalog
    private let relay: OutboxRelay?
    private let namespace: String
    private let tick: Duration
    private let logger: Logger
    private let counters = Mutex(Counters())
    private let crashAfterCreate: Bool

    public init(
        stages: [PipelineStage], database: Database, client: BatchClient, teacher: TeacherClient, catalog: RunCatalog,
        relay: OutboxRelay?, namespace: String, tick: Duration = .milliseconds(500), crashAfterCreate: Bool = false,
        logger: Logger
    ) {
        self.crashAfterCreate = crashAfterCreate
        self.stages = stages.filter(\.callsTeacher)
        self.database = database
        self.client = client
        self.teacher = teacher
        self.catalog = catalog
        self.relay = relay
        self.namespace = namespace
        self.tick = tick
        var logger = logger
        logger[metadataKey: "si.component"] = "batches"
        self.logger = logger
    }

    public var counts: Counters { counters.withLock { $0 } }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var busy = false
            for stage in stages {
                do {
                    busy = try await pass(stage) || busy
                } catch {
                    busy = true
                    logger.warning("batch pass failed; trying again", metadata: ["si.stage": "\(stage.rawValue)", "error": "\(error)"])
                }
            }
            // Without batch work (no run batches, or none waits) the two queries of a pass run every few seconds only.
            let pause = busy ? tick : tick * 4
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }

    /// One pass for `stage`: make the batches that are due, then move every unfinished batch one step on. Returns
    /// true when there was batch work (requests waiting or batches unfinished).
    @discardableResult
    public func pass(_ stage: PipelineStage) async throws -> Bool {
        let waiting = try await BatchRequestsTable.waiting(stage: stage, on: database)
        for runWaiting in waiting {
            do {
                try await assemble(runWaiting, stage: stage)
            } catch {
                logger.warning("cannot make a batch; trying again", metadata: [
                    "si.run_id": "\(runWaiting.runID)", "si.stage": "\(stage.rawValue)", "error": "\(error)",
                ])
            }
        }
        let unfinished = try await TeacherBatchesTable.unfinished(stage: stage, on: database)
        for batch in unfinished {
            if Task.isShuttingDownGracefully { return true }
            do {
                try await step(batch)
            } catch {
                logger.warning("batch step failed; trying again later", metadata: [
                    "si.batch": "\(batch.id)", "si.batch_status": "\(batch.status.rawValue)", "error": "\(error)",
                ])
                try? await TeacherBatchesTable.recordError(id: batch.id, message: "\(error)", on: database)
                if let error = error as? TeacherError, error.classification == .stopCaller { await pauseRun(of: batch, for: error) }
            }
        }
        return !waiting.isEmpty || !unfinished.isEmpty
    }

    /// A rejected key (or a teacher that cannot be reached at all) stops batches as it stops online calls: the run
    /// pauses with the reason, until an operator fixes it and resumes.
    private func pauseRun(of batch: TeacherBatchesTable.Batch, for error: TeacherError) async {
        let reason: PauseReason = error.kind == .credentialsRejected ? .teacherCredentialsRejected : .teacherUnreachable
        do {
            if try await RunsTable.pauseItself(
                id: batch.runID, reason: reason, detail: "si-\(batch.stage.rawValue) batches: \(error)", on: database)
            {
                logger.error("run paused", metadata: ["si.run_id": "\(batch.runID)", "si.pause_reason": "\(reason.rawValue)", "error": "\(error)"])
            }
        } catch {
            logger.warning("cannot pause the run", metadata: ["si.run_id": "\(batch.runID)", "error": "\(error)"])
        }
    }

    /// What one attempt to make a batch came to.
    private enum Assembly {
        case made(Int)
        /// Nothing to send now (another process took the requests, or in-flight reservations must settle first).
        case nothing
        /// The run's budget cannot hold even the next request, and none of its requests is out: it is spent.
        case budgetSpent(tokens: Int64)
    }

    /// Makes batches of the run's waiting requests once enough wait or the oldest waited long enough. Generation
    /// requests are due as soon as every circulating token of the run waits: no more can come before their answers.
    /// A budgeted run reserves each request's worst case as it goes into a batch, and sends only what its budget holds.
    private func assemble(_ waiting: BatchRequestsTable.Waiting, stage: PipelineStage) async throws {
        let run = try await catalog.facts(run: waiting.runID)
        guard let settings = run.config.batch, settings.batches(stage),
              let state = try await RunsTable.state(id: run.id, on: database),
              state.status == .running || state.status == .draining, !state.status.stops(stage)
        else { return }
        let enough = stage == .generate ? min(settings.maxRequests, run.concurrency) : settings.maxRequests
        guard waiting.count >= enough || waiting.oldestAgeSeconds >= settings.maxAgeSeconds else { return }
        while true {
            let assembly = try await database.transaction { transaction -> Assembly in
                let candidates = try await BatchRequestsTable.lockWaiting(
                    runID: run.id, stage: stage, limit: settings.maxRequests, on: transaction)
                guard !candidates.isEmpty else { return .nothing }
                var chosen = candidates
                if run.budgeted, let ledger = try await RunBudgetsTable.ledger(runID: run.id, on: transaction) {
                    chosen = Self.affordable(candidates, ledger: ledger)
                    guard !chosen.isEmpty else {
                        // Requests out will settle below their worst case and may free room; with none out, it is spent.
                        if try await BatchRequestsTable.anyInBatch(runID: run.id, on: transaction) { return .nothing }
                        return .budgetSpent(tokens: candidates[0].worstTokens)
                    }
                    let usd = chosen.reduce(0) { $0 + $1.worstUSD }
                    let tokens = chosen.reduce(Int64(0)) { $0 + $1.worstTokens }
                    guard case .granted = try await RunBudgetsTable.reserve(runID: run.id, usd: usd, tokens: tokens, on: transaction)
                    else { return .nothing }
                }
                let id = try await TeacherBatchesTable.create(
                    runID: run.id, stage: stage, endpoint: "/v1/completions", requests: chosen.count, on: transaction)
                let assigned = try await BatchRequestsTable.assign(
                    ids: chosen.map(\.id), batchID: id, reserving: run.budgeted, on: transaction)
                return .made(assigned)
            }
            switch assembly {
            case .nothing:
                return
            case .budgetSpent(let tokens):
                let detail = "si-\(stage.rawValue) batches: the next request (up to \(tokens) tokens) would pass the run's budget"
                if try await RunsTable.pauseItself(id: run.id, reason: .budgetExhausted, detail: detail, on: database) {
                    logger.error("run paused", metadata: ["si.run_id": "\(run.id)", "si.pause_reason": "budget_exhausted"])
                }
                return
            case .made(let requests):
                counters.withLock { $0.batchesMade += 1 }
                logger.info("batch made", metadata: ["si.run_id": "\(run.id)", "si.stage": "\(stage.rawValue)", "si.requests": "\(requests)"])
                if requests < settings.maxRequests { return }
            }
        }
    }

    /// The longest prefix of `candidates` whose worst cases fit in what the ledger has neither spent nor reserved.
    static func affordable(_ candidates: [BatchRequestsTable.Candidate], ledger: RunBudgetsTable.Ledger) -> [BatchRequestsTable.Candidate] {
        var usd = ledger.budget.usd.map { $0 - ledger.spentUSD - ledger.reservedUSD } ?? .infinity
        var tokens = ledger.budget.tokens.map { $0 - ledger.spentTokens - ledger.reservedTokens } ?? .max
        var chosen: [BatchRequestsTable.Candidate] = []
        for candidate in candidates {
            // A hair of slack for the rounding of the ledger's 8 decimals.
            guard candidate.worstUSD <= usd + 1e-9, candidate.worstTokens <= tokens else { break }
            usd -= candidate.worstUSD
            tokens -= candidate.worstTokens
            chosen.append(candidate)
        }
        return chosen
    }

    /// Moves one batch one step on, under its row lock; a batch another process holds is left to it.
    private func step(_ seen: TeacherBatchesTable.Batch) async throws {
        let run = try await catalog.facts(run: seen.runID)
        let settings = run.config.batch ?? BatchSettings(stages: [seen.stage])
        // A failed step is tried again after the poll interval, not at every tick.
        let retryAfter = seen.lastError == nil ? 0 : min(settings.pollSeconds, 30)
        switch seen.status {
        case .preparing, .submitting:
            if let since = seen.sincePolledSeconds, since < retryAfter { return }
        case .submitted:
            if let since = seen.sincePolledSeconds, since < settings.pollSeconds { return }
        case .done:
            return
        }
        let nudge = try await database.transaction { transaction -> Bool in
            guard let batch = try await TeacherBatchesTable.lock(id: seen.id, on: transaction) else { return false }
            let stopped = try await RunsTable.state(id: batch.runID, on: transaction)?.status.stops(batch.stage) ?? true
            if stopped && (batch.status == .preparing || batch.status == .submitting) {
                // Not at the provider yet, or not known to be: a stopped run's requests stay home, their reservations
                // released. A batch made from the uploaded file before a crash is found and cancelled.
                if batch.status == .submitting, let inputFileID = batch.inputFileID,
                   let found = try await client.batch(madeFrom: inputFileID, notBefore: Int(Date.now.timeIntervalSince1970 - batch.ageSeconds)),
                   !found.isFinished, found.status != "cancelling"
                {
                    _ = try await client.cancel(batchID: found.id)
                }
                return try await conclude(batch, remoteStatus: "not_sent", outcomes: { _ in .again(nil) }, latencyMS: 0,
                                          recordCalls: false, run: run, settings: settings, on: transaction)
            }
            switch batch.status {
            case .preparing:
                do {
                    try await upload(batch, on: transaction)
                } catch let error as TeacherError where error.classification == .failItem {
                    return try await refused(batch, error, run: run, settings: settings, on: transaction)
                }
                return false
            case .submitting:
                do {
                    try await submit(batch, settings: settings, on: transaction)
                } catch let error as TeacherError where error.classification == .failItem {
                    return try await refused(batch, error, run: run, settings: settings, on: transaction)
                }
                return false
            case .submitted:
                return try await poll(batch, run: run, settings: settings, stopped: stopped, on: transaction)
            case .done:
                return false
            }
        }
        if nudge { relay?.nudge() }
    }

    /// The provider refused the file or the batch (400, 404, 413, 422: no batch exists): every request counts one
    /// failure and waits for the next batch, or fails with the provider's message after the last.
    private func refused(
        _ batch: TeacherBatchesTable.Batch, _ error: TeacherError, run: RunFacts, settings: BatchSettings, on transaction: Transaction
    ) async throws -> Bool {
        logger.error("the provider refused the batch", metadata: ["si.batch": "\(batch.id)", "error": "\(error)"])
        return try await conclude(batch, remoteStatus: "refused", outcomes: { self.bounded(error, $0) }, latencyMS: 0,
                                  recordCalls: false, run: run, settings: settings, on: transaction)
    }

    private func upload(_ batch: TeacherBatchesTable.Batch, on transaction: Transaction) async throws {
        let lines = try await BatchRequestsTable.lines(batchID: batch.id, on: transaction)
        let file = try await client.upload(
            batchInput: BatchInput.bytes(lines: lines),
            fileName: "si-run\(batch.runID)-\(batch.stage.rawValue)-batch\(batch.id).jsonl")
        try await TeacherBatchesTable.markUploaded(id: batch.id, inputFileID: file.id, on: transaction)
        counters.withLock { $0.filesUploaded += 1 }
        logger.info("batch file uploaded", metadata: ["si.batch": "\(batch.id)", "si.file": "\(file.id)", "si.requests": "\(lines.count)"])
    }

    private func submit(_ batch: TeacherBatchesTable.Batch, settings: BatchSettings, on transaction: Transaction) async throws {
        guard let inputFileID = batch.inputFileID else { return }
        let madeAfter = Int(Date.now.timeIntervalSince1970 - batch.ageSeconds)
        if let found = try await client.batch(madeFrom: inputFileID, notBefore: madeAfter) {
            try await TeacherBatchesTable.markSubmitted(id: batch.id, remoteID: found.id, remoteStatus: found.status, on: transaction)
            counters.withLock { $0.batchesAdopted += 1 }
            logger.notice("batch found at the provider; not created again", metadata: ["si.batch": "\(batch.id)", "si.remote": "\(found.id)"])
            return
        }
        let remote = try await client.createBatch(
            inputFileID: inputFileID, endpoint: batch.endpoint, completionWindow: settings.completionWindow,
            metadata: ["si_batch": "\(batch.id)", "si_run": "\(batch.runID)", "si_stage": batch.stage.rawValue])
        if crashAfterCreate {
            logger.critical("fault injection: \(EnvironmentVariable.faultCrashAfterBatchCreate) is set; killing the process before recording batch \(remote.id)")
            kill(getpid(), SIGKILL)
        }
        try await TeacherBatchesTable.markSubmitted(id: batch.id, remoteID: remote.id, remoteStatus: remote.status, on: transaction)
        counters.withLock { $0.batchesCreated += 1 }
        logger.info("batch submitted", metadata: ["si.batch": "\(batch.id)", "si.remote": "\(remote.id)"])
    }

    /// Polls the batch (cancelling it at the provider when its run stopped); once the provider has finished it, reads
    /// its files and settles every request. Returns true when messages were written to the outbox.
    private func poll(
        _ batch: TeacherBatchesTable.Batch, run: RunFacts, settings: BatchSettings, stopped: Bool, on transaction: Transaction
    ) async throws -> Bool {
        guard let remoteID = batch.remoteID else { return false }
        var remote = try await client.batch(id: remoteID)
        if !remote.isFinished, remote.status != "cancelling", stopped {
            // Nobody will use its answers: stop paying for the rest. What it answered already comes back as usual.
            remote = try await client.cancel(batchID: remoteID)
            logger.info("batch of a stopped run cancelled at the provider", metadata: ["si.batch": "\(batch.id)", "si.remote": "\(remoteID)"])
        }
        guard remote.isFinished else {
            try await TeacherBatchesTable.markPolled(id: batch.id, remoteStatus: remote.status, on: transaction)
            return false
        }
        var lines: [Int64: BatchResultLine] = [:]
        for (fileID, name) in [(remote.errorFileID, "error file"), (remote.outputFileID, "output file")] {
            guard let fileID else { continue }
            let bytes: [UInt8]
            do {
                bytes = try await client.content(ofFile: fileID)
            } catch let error as TeacherError where error.classification == .failItem {
                // Gone (past the provider's retention) or refused: its requests count as missing, never stuck.
                logger.warning("cannot read a batch file; its requests count as missing", metadata: [
                    "si.batch": "\(batch.id)", "si.file": "\(fileID)", "error": "\(error)",
                ])
                continue
            }
            let parsed = BatchResultLine.read(file: bytes, fileName: "batch \(remoteID) \(name)")
            for problem in parsed.problems.prefix(5) {
                logger.warning("unreadable batch result line; its request counts as missing", metadata: ["si.batch": "\(batch.id)", "problem": "\(problem)"])
            }
            for line in parsed.lines {
                if let id = BatchRequestsTable.requestID(customID: line.customID) { lines[id] = line }
            }
        }
        let latencyMS = (batch.submittedForSeconds ?? 0) * 1000
        return try await conclude(
            batch, remoteStatus: remote.status, outcomes: { self.outcome(of: lines[$0.id], for: $0, batch: remote) },
            latencyMS: latencyMS, recordCalls: true, run: run, settings: settings, on: transaction)
    }

    /// Settles every request batch `batch` still owes with `outcomes`: answers stored, failures recorded, the rest sent
    /// back to wait; call records at batch prices, budget reservations settled, answered and failed requests' messages
    /// sent again; the batch marked done. One transaction. Returns true when messages were written to the outbox.
    private func conclude(
        _ batch: TeacherBatchesTable.Batch, remoteStatus: String, outcomes: (BatchRequestsTable.Request) -> Outcome,
        latencyMS: Double, recordCalls: Bool, run: RunFacts, settings: BatchSettings, on transaction: Transaction
    ) async throws -> Bool {
        var tally = (answered: 0, failed: 0, resubmitted: 0)
        var messages: [OutgoingMessage] = []
        for request in try await BatchRequestsTable.outstanding(batchID: batch.id, on: transaction) {
            let prices = BatchQueue.batchPrices(run: run, model: request.model, settings: settings, teacher: teacher)
            switch outcomes(request) {
            case .answered(let body, let result):
                let usage = result.usage ?? TokenUsage(promptTokens: 0, completionTokens: 0)
                let cost = prices?.cost(prompt: usage.promptTokens, completion: usage.completionTokens) ?? 0
                try await BatchRequestsTable.answer(id: request.id, response: String(decoding: body, as: UTF8.self), on: transaction)
                try await record(request, batchID: batch.id, latencyMS: latencyMS, status: 200, usage: usage, cost: cost,
                                 errorKind: nil, method: result.tokenCountMethod.rawValue, on: transaction)
                try await settle(request, usd: cost, tokens: Int64(usage.totalTokens), on: transaction)
                messages.append(try resend(request, batchID: batch.id))
                tally.answered += 1
            case .failed(let error):
                // Kept whole (what was attempted, the status, the provider's words): it becomes the item's reason.
                let reason = "\(error.operation)" + (error.httpStatus.map { ", HTTP \($0)" } ?? "") + ": \(error.message)"
                try await BatchRequestsTable.fail(id: request.id, kind: error.kind.rawValue, message: reason, on: transaction)
                if recordCalls {
                    try await record(request, batchID: batch.id, latencyMS: latencyMS, status: error.httpStatus, usage: nil,
                                     cost: 0, errorKind: error.kind.rawValue, method: nil, on: transaction)
                }
                try await settle(request, usd: 0, tokens: 0, on: transaction)
                messages.append(try resend(request, batchID: batch.id))
                tally.failed += 1
            case .again(let error):
                if let error, recordCalls {
                    try await record(request, batchID: batch.id, latencyMS: latencyMS, status: error.httpStatus, usage: nil,
                                     cost: 0, errorKind: error.kind.rawValue, method: nil, on: transaction)
                }
                try await settle(request, usd: 0, tokens: 0, on: transaction)
                try await BatchRequestsTable.returnToWaiting(id: request.id, serverError: error != nil, on: transaction)
                tally.resubmitted += 1
            }
        }
        try await OutboxTable.insert(messages, namespace: namespace, on: transaction)
        try await TeacherBatchesTable.finish(
            id: batch.id, remoteStatus: remoteStatus, answered: tally.answered, failed: tally.failed,
            resubmitted: tally.resubmitted, on: transaction)
        counters.withLock {
            $0.batchesRead += 1
            $0.answered += tally.answered
            $0.failed += tally.failed
            $0.resubmitted += tally.resubmitted
        }
        logger.info("batch read", metadata: [
            "si.batch": "\(batch.id)", "si.remote": "\(batch.remoteID ?? "-")", "si.remote_status": "\(remoteStatus)",
            "si.answered": "\(tally.answered)", "si.failed": "\(tally.failed)", "si.resubmitted": "\(tally.resubmitted)",
        ])
        return !messages.isEmpty
    }

    /// What a batch's result line means for one request.
    private enum Outcome {
        case answered(body: [UInt8], result: CompletionResult)
        /// Failed for good: the item fails with this error.
        case failed(TeacherError)
        /// Back to wait for the next batch; with the error when the provider failed it (bounded), nil when it never
        /// ran (expired, cancelled, missing from both files).
        case again(TeacherError?)
    }

    private func outcome(of line: BatchResultLine?, for request: BatchRequestsTable.Request, batch: RemoteBatch) -> Outcome {
        let operation = "batch \(request.endpoint)"
        guard let line else {
            // In neither file. An expired or cancelled batch never ran it: no fault of the request's. A batch that
            // failed as a whole, or finished without it, counts against it (its input may be the cause).
            if batch.status == "expired" || batch.status == "cancelled" { return .again(nil) }
            let why = batch.status == "failed" ? "the batch failed: \(batch.failureMessage ?? "no reason given")" : "missing from the batch's results"
            return bounded(TeacherError(kind: .serverError, classification: .retryable, operation: operation, message: why), request)
        }
        guard let status = line.statusCode else {
            if line.errorCode == "batch_expired" || line.errorCode == "batch_cancelled" { return .again(nil) }
            return bounded(TeacherError(
                kind: .serverError, classification: .retryable, operation: operation,
                message: "\(line.errorCode ?? "error"): \(line.errorMessage ?? "no message")"), request)
        }
        let body = line.body ?? []
        if let error = ErrorClassifier.classify(status: status, body: body, retryAfter: nil, operation: operation) {
            return error.classification == .retryable ? bounded(error, request) : .failed(error)
        }
        do {
            let result = try teacher.readAnswer(
                body, promptCount: request.promptCount, n: request.n, promptEstimate: request.promptEstimate,
                maxTokens: request.maxTokens, method: TokenCountMethod(rawValue: request.countMethod) ?? .usage,
                key: RequestKey(storedHex: request.requestHash))
            return .answered(body: body, result: result)
        } catch {
            return bounded(error, request)
        }
    }

    private func bounded(_ error: TeacherError, _ request: BatchRequestsTable.Request) -> Outcome {
        request.errorSubmissions + 1 >= Self.maximumErrorSubmissions ? .failed(error) : .again(error)
    }

    /// One `llm_calls` row per request a batch returned (invariant 5), at batch prices.
    private func record(
        _ request: BatchRequestsTable.Request, batchID: Int64, latencyMS: Double, status: Int?, usage: TokenUsage?, cost: Double,
        errorKind: String?, method: String?, on transaction: Transaction
    ) async throws {
        try await TeacherCallsTable.insert(
            TeacherCallsTable.NewCall(
                runID: request.runID, entityID: request.entityID, stage: request.stage.rawValue, model: request.model,
                promptTokens: usage?.promptTokens ?? 0, completionTokens: usage?.completionTokens ?? 0,
                latencyMS: max(latencyMS, 0), httpStatus: status, attempt: max(request.submissions, 1), costUSD: cost,
                requestHash: request.requestHash, cached: false, errorKind: errorKind, tokenCountMethod: method, batchID: batchID),
            on: transaction)
    }

    private func settle(_ request: BatchRequestsTable.Request, usd: Double, tokens: Int64, on transaction: Transaction) async throws {
        guard request.reservedUSD > 0 || request.reservedTokens > 0 else {
            // Unreserved (no budget): the ledger, if any, still books the spend.
            if usd > 0 || tokens > 0 {
                try await RunBudgetsTable.settle(runID: request.runID, reservedUSD: 0, reservedTokens: 0, spentUSD: usd,
                                                 spentTokens: tokens, on: transaction)
            }
            return
        }
        try await RunBudgetsTable.settle(
            runID: request.runID, reservedUSD: request.reservedUSD, reservedTokens: request.reservedTokens, spentUSD: usd,
            spentTokens: tokens, on: transaction)
    }

    /// The stored stage message, sent again with its attempt raised (its consumer checks for a duplicate first).
    private func resend(_ request: BatchRequestsTable.Request, batchID: Int64) throws -> OutgoingMessage {
        var message = try StageMessage(json: Array(request.message.utf8))
        message.attempt += 1
        return OutgoingMessage(stage: request.stage, message: message, resend: "batch\(batchID)")
    }
}
