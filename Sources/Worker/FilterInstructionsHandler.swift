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
        let slot = pools.slot(for: run)
        return StageWork(write: { transaction in
            try await transaction.advisoryLock(.admission(runID: runID))
            let caughtUp = try await Self.synchronize(slot, run: run, in: transaction)
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
            // Decide in memory, then write every decision in one statement: admission is serial per run, and on a
            // busy machine each extra round trip under the lock costs more than the decision itself.
            var decisions: [SQLQuery] = []
            for row in candidates.decodableRows {
                let id = try row.decode("id", as: Int64.self)
                let text = try row.decode("text", as: String.self)
                switch slot.pool.withLock({ $0.decide(text, target: run.target) }) {
                case .admit(let sequence):
                    admitted += 1
                    decisions.append("""
                        (\(id)::bigint, 'admitted'::text, \(Int32(sequence))::int, NULL::text, NULL::text, NULL::float8)
                        """)
                    // Self-Instruct: classify next. Alpaca: the instance came with the instruction, so it goes
                    // straight to the instance filter.
                    let next: Topology.Stage = run.recipe == .selfInstruct ? .classify : .filterInstances
                    let kind: StageMessage.Kind = run.recipe == .selfInstruct ? .admittedInstruction : .instanceCandidates
                    downstream.append(OutgoingMessage(stage: next, message: StageMessage(runID: runID, entityID: id, kind: kind)))
                case .reject(let reason, let nearest, let score):
                    decisions.append("""
                        (\(id)::bigint, 'rejected'::text, NULL::int, \(reason)::text, \(nearest)::text, \(score)::float8)
                        """)
                }
            }
            if !decisions.isEmpty {
                // A VALUES list tells the planner its row count, so it joins by primary-key lookups.
                try await transaction.execute("""
                    UPDATE instructions AS i SET status = d.status, admission_seq = d.seq, reject_reason = d.reason,
                        nearest_match = d.nearest, nearest_score = d.score, decided_at = now()
                    FROM (VALUES \(fragment: SQLQuery.joined(decisions, separator: ", "))) AS d(id, status, seq, reason, nearest, score)
                    WHERE i.id = d.id
                    """, operation: "decisions")
            }
            let poolAdmitted = slot.pool.withLock { $0.admittedCount }
            logger.debug("candidates decided", metadata: [
                "si.candidates": "\(candidates.rows.count)", "si.admitted": "\(admitted)",
                "si.caught_up": "\(caughtUp)", "si.pool_admitted": "\(poolAdmitted)",
            ])

            // The token circulates while the run is below target and still running.
            guard poolAdmitted < Int64(run.target),
                  try await RunCatalog.status(run: runID, in: transaction) == "running"
            else { return downstream }
            let nextID = try await GenerationTokens.request(
                runID: runID, token: try request.decode("token", as: Int.self),
                round: try request.decode("round", as: Int.self) + 1, in: transaction)
            return downstream + [OutgoingMessage(stage: .generate, message: StageMessage(runID: runID, entityID: nextID, kind: .generationToken))]
        })
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
            let check = try await transaction.query("""
                SELECT text FROM instructions WHERE run_id = \(run.id) AND admission_seq = \(Int32(clamping: count))
                """, operation: "admission_pool_check")
            if try check.decodableRows.first?.decode("text", as: String.self) != lastText {
                slot.pool.withLock { $0 = RunPool(run: run) }
            }
        }
        let from = slot.pool.withLock { $0.admittedCount }
        let rows = try await transaction.query("""
            SELECT admission_seq, text FROM instructions
            WHERE run_id = \(run.id) AND status = 'admitted' AND admission_seq > \(from)
            ORDER BY admission_seq
            """, operation: "admission_catch_up")
        let admissions = try rows.decodableRows.map {
            (text: try $0.decode("text", as: String.self), sequence: try $0.decode("admission_seq", as: Int64.self))
        }
        try slot.pool.withLock { pool in
            for admission in admissions { try pool.append(admission.text, sequence: admission.sequence) }
        }
        return admissions.count
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
    var lastAdmittedText: String? { admittedTexts.last }

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

/// The process's pools, one per run, each in its own slot so it is mutated in place.
final class PoolCache: Sendable {
    private let slots = Mutex<[Int64: PoolSlot]>([:])

    /// The run's slot, created with the seeds only on first use.
    func slot(for run: RunFacts) -> PoolSlot {
        slots.withLock { slots in
            if let slot = slots[run.id] { return slot }
            let slot = PoolSlot(pool: RunPool(run: run))
            slots[run.id] = slot
            return slot
        }
    }
}

/// One run's pool. Used under the run's admission lock (one transaction at a time across all processes); the
/// mutex only makes the in-process access formally exclusive.
final class PoolSlot: Sendable {
    let pool: Mutex<RunPool>

    init(pool: RunPool) {
        self.pool = Mutex(pool)
    }
}
