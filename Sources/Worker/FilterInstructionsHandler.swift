// si-filter for instructions: admission in one total order per run. Under the run's advisory lock the
// in-memory pool catches up on rows other replicas admitted, each candidate of the generation is decided
// greedily, each admitted instruction goes on (to classification, or for Alpaca to the instance filter), and
// the generation token goes round again while the run is below its target.

public import Broker
public import Logging
public import SelfInstruct
public import Store
import Synchronization

/// The `si.filter.instructions` handler.
public struct FilterInstructionsHandler: StageHandler {
    public let stage = Topology.Stage.filterInstructions
    /// Admission holds the run's lock: one message deciding and one being prepared is all that can progress.
    public let concurrencyLimit: Int? = 2
    private let database: Database
    private let catalog: RunCatalog
    private let pools: PoolCache

    /// Rejection codes this stage writes.
    public enum Reason {
        public static let tooSimilar = AdmissionRejection.tooSimilar
        public static let duplicateText = AdmissionRejection.duplicateText
        public static let targetReached = AdmissionRejection.targetReached
    }

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
        let pools = self.pools
        // The pool built by the last body run; published only after COMMIT, so a rolled-back decision never
        // leaks into the cache.
        let built = PoolSlot()
        return StageWork(write: { transaction in
            try await transaction.advisoryLock(.admission(runID: runID))
            var pool = pools.checkout(run: run)
            let caughtUp = try await Self.catchUp(&pool, runID: runID, in: transaction)
            let requestRows = try await transaction.query(
                "SELECT token, round FROM generation_requests WHERE id = \(requestID) AND run_id = \(runID)",
                operation: "generation_request")
            guard let request = requestRows.decodableRows.first else {
                throw PermanentStageError(kind: "unknown_entity", message: "generation request \(requestID) not in run \(runID)")
            }
            let candidates = try await transaction.query("""
                SELECT id, text FROM instructions WHERE request_id = \(requestID) AND status = 'candidate' ORDER BY position
                """, operation: "candidates")
            var admitted = 0
            var downstream: [OutgoingMessage] = []
            for row in candidates.decodableRows {
                let id = try row.decode("id", as: Int64.self)
                let text = try row.decode("text", as: String.self)
                switch pool.decide(text, target: run.target) {
                case .admit(let sequence):
                    admitted += 1
                    try await transaction.execute("""
                        UPDATE instructions SET status = 'admitted', admission_seq = \(Int32(sequence)), decided_at = now()
                        WHERE id = \(id)
                        """, operation: "admit")
                    // Self-Instruct: classify next. Alpaca: the instance came with the instruction, so it goes
                    // straight to the instance filter.
                    let next: Topology.Stage = run.recipe == .selfInstruct ? .classify : .filterInstances
                    let kind: StageMessage.Kind = run.recipe == .selfInstruct ? .admittedInstruction : .instanceCandidates
                    downstream.append(OutgoingMessage(stage: next, message: StageMessage(runID: runID, entityID: id, kind: kind)))
                case .reject(let reason, let nearest, let score):
                    try await transaction.execute("""
                        UPDATE instructions SET status = 'rejected', reject_reason = \(reason), nearest_match = \(nearest),
                            nearest_score = \(score), decided_at = now()
                        WHERE id = \(id)
                        """, operation: "reject")
                }
            }
            built.pool.withLock { $0 = pool }
            logger.debug("candidates decided", metadata: [
                "si.candidates": "\(candidates.rows.count)", "si.admitted": "\(admitted)",
                "si.caught_up": "\(caughtUp)", "si.pool_admitted": "\(pool.admittedCount)",
            ])

            // The token circulates while the run is below target and still running.
            guard pool.admittedCount < Int64(run.target),
                  try await RunCatalog.status(run: runID, in: transaction) == "running"
            else { return downstream }
            let nextID = try await GenerationTokens.request(
                runID: runID, token: try request.decode("token", as: Int.self),
                round: try request.decode("round", as: Int.self) + 1, in: transaction)
            return downstream + [OutgoingMessage(stage: .generate, message: StageMessage(runID: runID, entityID: nextID, kind: .generationToken))]
        }, afterCommit: {
            if let pool = built.pool.withLock({ $0 }) { pools.store(pool) }
        })
    }

    /// Adds rows admitted since the pool's last sequence (by any replica); returns how many.
    static func catchUp(_ pool: inout RunPool, runID: Int64, in transaction: Transaction) async throws -> Int {
        let rows = try await transaction.query("""
            SELECT admission_seq, text FROM instructions
            WHERE run_id = \(runID) AND status = 'admitted' AND admission_seq > \(pool.admittedCount)
            ORDER BY admission_seq
            """, operation: "admission_catch_up")
        for row in rows.decodableRows {
            try pool.append(try row.decode("text", as: String.self), sequence: try row.decode("admission_seq", as: Int64.self))
        }
        return rows.rows.count
    }
}

/// One run's admission state: the novelty pool plus the texts needed to name a nearest match.
struct RunPool: Sendable {
    let runID: Int64
    private(set) var pool: AdmissionPool
    private let seeds: [String]
    private var admittedTexts: [String] = []
    private var admittedSet: Set<String> = []

    init(run: RunFacts) {
        runID = run.id
        seeds = run.seedInstructions
        pool = AdmissionPool(threshold: run.threshold, seedInstructions: run.seedInstructions)
    }

    var admittedCount: Int64 { pool.lastAdmissionSequence }

    enum Decision {
        case admit(sequence: Int64)
        case reject(reason: String, nearest: String?, score: Double?)
    }

    /// One step of the greedy filter.
    mutating func decide(_ text: String, target: Int) -> Decision {
        if admittedCount >= Int64(target) { return .reject(reason: FilterInstructionsHandler.Reason.targetReached, nearest: nil, score: nil) }
        if admittedSet.contains(text) { return .reject(reason: FilterInstructionsHandler.Reason.duplicateText, nearest: text, score: 1) }
        let decision = pool.evaluate(text)
        guard decision.keep else {
            return .reject(
                reason: FilterInstructionsHandler.Reason.tooSimilar, nearest: decision.bestMatch.map { memberText($0) },
                score: decision.maxScore)
        }
        let sequence = admittedCount + 1
        // Cannot fail: the sequence is the next one by construction.
        try? append(text, sequence: sequence)
        return .admit(sequence: sequence)
    }

    mutating func append(_ text: String, sequence: Int64) throws {
        try pool.admit(text, sequence: sequence)
        admittedTexts.append(text)
        admittedSet.insert(text)
    }

    private func memberText(_ index: Int) -> String {
        index < seeds.count ? seeds[index] : admittedTexts[index - seeds.count]
    }
}

/// The process's pools, one per run. Callers hold the run's advisory lock while using a checked-out copy.
final class PoolCache: Sendable {
    private let pools = Mutex<[Int64: RunPool]>([:])

    /// A copy of the cached pool (or a fresh one with the seeds only).
    func checkout(run: RunFacts) -> RunPool {
        pools.withLock { $0[run.id] } ?? RunPool(run: run)
    }

    /// Keeps `pool` unless the cache already has one further along.
    func store(_ pool: RunPool) {
        pools.withLock { pools in
            if let current = pools[pool.runID], current.admittedCount >= pool.admittedCount { return }
            pools[pool.runID] = pool
        }
    }
}

/// Hands the pool a transaction body built to the after-commit hook.
final class PoolSlot: Sendable {
    let pool = Mutex<RunPool?>(nil)
}
