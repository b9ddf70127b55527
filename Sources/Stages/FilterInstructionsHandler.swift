// si-filter for instructions: admission in one total order per run. Under the run's advisory lock the
// in-memory pool catches up on rows other replicas admitted, each candidate of the generation is decided
// greedily, each admitted instruction goes on (to classification, or for Alpaca its instance through the
// instance filter's rules in the same transaction), and the generation token goes round again while the run is
// below its target.

import Synchronization
public import Logging
public import Records
public import SelfInstruct
public import Store
public import ServiceLifecycle

/// The `si.filter.instructions` handler.
public struct FilterInstructionsHandler: StageHandler {
    public let stage = PipelineStage.filterInstructions
    /// Admission holds the run's lock: one message deciding and one being prepared is all that can progress.
    public let concurrencyLimit: Int? = 2
    private let database: Database
    private let catalog: RunCatalog
    private let pools: PoolCache

    public init(database: Database, catalog: RunCatalog) {
        self.database = database
        self.catalog = catalog
        self.pools = PoolCache()
    }

    public func handle(_ message: StageMessage, logger: Logger) async throws -> StageWork {
        guard message.kind == .instructionCandidates else {
            throw PermanentStageError(kind: "wrong_kind", message: "si.filter.instructions got \(message.kind.rawValue)")
        }
        let runID = message.runID
        let requestID = message.entityID
        let run = try await catalog.facts(run: runID)
        let slot = pools.slot(for: run)
        return StageWork(write: { transaction in
            try await transaction.advisoryLock(.admission(runID: runID))
            let caughtUp = try await Self.synchronize(slot, run: run, in: transaction)
            guard let request = try await GenerationRequestsTable.find(id: requestID, runID: runID, on: transaction) else {
                throw PermanentStageError(kind: "unknown_entity", message: "generation request \(requestID) not in run \(runID)")
            }
            let candidates = try await InstructionsTable.candidates(requestID: requestID, on: transaction)
            var admitted = 0
            var downstream: [OutgoingMessage] = []
            var instances: [InstancesTable.Filtered] = []
            var outcomes: [(id: Int64, outcome: InstanceOutcome)] = []
            // Decide in memory, then write every decision in one statement.
            var decisions: [InstructionsTable.Decision] = []
            for candidate in candidates {
                let outcome = slot.pool.withLock { $0.decide(candidate.text, target: run.target) }
                decisions.append(InstructionsTable.Decision(id: candidate.id, outcome: outcome))
                guard case .admitted = outcome else { continue }
                admitted += 1
                switch run.recipe {
                case .selfInstruct:
                    // Classify next.
                    downstream.append(OutgoingMessage(
                        stage: .classify, message: StageMessage(runID: runID, entityID: candidate.id, kind: .admittedInstruction)))
                case .alpaca:
                    // The instance came with the instruction: filtered here, in the admission's transaction, with the
                    // instance filter's rules. A message and a transaction per instruction made the instance filter
                    // the slowest part of an Alpaca run.
                    let result = FilterInstancesHandler.alpacaResult(
                        instructionID: candidate.id, input: candidate.input, output: candidate.output ?? "", run: run,
                        filter: InstanceFilter(language: run.config.language))
                    let (filtered, instanceOutcome) = FilterInstancesHandler.filtered(
                        result, instructionID: candidate.id, text: candidate.text, hygiene: run.config.hygiene)
                    instances.append(filtered)
                    outcomes.append((candidate.id, instanceOutcome))
                }
            }
            try await InstructionsTable.record(decisions, on: transaction)
            try await InstancesTable.insert(instances, runID: runID, on: transaction)
            try await InstructionsTable.recordInstanceOutcomes(outcomes, on: transaction)
            let poolAdmitted = slot.pool.withLock { $0.admittedCount }
            logger.debug("candidates decided", metadata: [
                "si.candidates": "\(candidates.count)", "si.admitted": "\(admitted)",
                "si.caught_up": "\(caughtUp)", "si.pool_admitted": "\(poolAdmitted)",
            ])

            // The token circulates while the run is below target and its status lets it.
            guard poolAdmitted < Int64(run.target),
                  try await RunsTable.status(id: runID, on: transaction)?.circulatesGenerationTokens == true
            else { return downstream }
            return downstream + [try await GenerationTokens.next(
                runID: runID, token: request.token, round: request.round + 1, on: transaction)]
        })
    }

    /// Drops pools of finished and idle runs every minute (`PoolEvictor`).
    public func backgroundServices(logger: Logger) -> [any Service] {
        [PoolEvictor(handler: self, logger: logger)]
    }

    /// Pools this process holds (one per run it filtered for and has not evicted).
    public var cachedPools: Int { pools.count }

    /// Drops the pools of runs that finished (or were deleted) and of runs no message used for `idleFor`;
    /// returns how many. A pool holds every admitted instruction of its run, so a long-lived filter would otherwise
    /// keep every run it ever served. A later message of an evicted run rebuilds its pool from the database.
    public func evictPools(idleFor: Duration) async throws -> Int {
        var evicted = 0
        for (runID, lastUsed) in pools.usage {
            let status = try await RunsTable.status(id: runID, on: database)
            let finished = status.map(\.isFinished) ?? true
            guard finished || ContinuousClock.now - lastUsed >= idleFor else { continue }
            if pools.evict(runID: runID, unlessUsedAfter: lastUsed) { evicted += 1 }
        }
        return evicted
    }

    /// Brings the process's pool in line with the committed admissions; called under the run's admission lock,
    /// so the database cannot move meanwhile. The pool is mutated in place (copying it per message made each
    /// decision cost O(pool)); an attempt that rolled back after admitting leaves the pool ahead of or different
    /// from the database, which the check below notices (admissions are appended in sequence order, so the
    /// committed text at the pool's last sequence must be the pool's last text), and the pool is rebuilt.
    /// Returns the number of rows caught up.
    static func synchronize(_ slot: PoolSlot, run: RunFacts, in transaction: Transaction) async throws -> Int {
        let (count, lastText) = slot.pool.withLock { ($0.admittedCount, $0.lastAdmittedText) }
        if count > 0 {
            let committed = try await InstructionsTable.admittedText(runID: run.id, sequence: count, on: transaction)
            if committed != lastText {
                slot.pool.withLock { $0 = RunPool(run: run) }
            }
        }
        let from = slot.pool.withLock { $0.admittedCount }
        let admissions = try await InstructionsTable.admitted(runID: run.id, after: from, on: transaction)
        try slot.pool.withLock { pool in
            for admission in admissions { try pool.append(admission.text, sequence: admission.sequence) }
        }
        return admissions.count
    }
}
