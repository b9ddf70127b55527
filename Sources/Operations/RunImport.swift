// `sictl import`: an existing data set becomes a completed run, written in one transaction.

import Records
public import SelfInstruct
public import Store

/// Writes an `ImportPlan` as a run, idempotently by name and file.
public struct RunImport: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// What a name already holds: nothing, this very file (same SHA-256), or something else.
    public enum Existing: Sendable, Hashable {
        case none
        case sameFile(runID: Int64, provenance: ImportProvenance)
        case otherRun(runID: Int64, provenance: ImportProvenance?)
    }

    /// Looks the name up; `sha256` is the file's digest.
    public func existing(name: String, sha256: String) async throws -> Existing {
        try await Self.existing(name: name, sha256: sha256, on: database)
    }

    static func existing(name: String, sha256: String, on executor: some SQLExecutor) async throws -> Existing {
        guard let run = try await RunsTable.named(name, on: executor) else { return .none }
        let provenance = ImportProvenance(configJSON: run.configJSON)
        if let provenance, provenance.sha256 == sha256 { return .sameFile(runID: run.id, provenance: provenance) }
        return .otherRun(runID: run.id, provenance: provenance)
    }

    /// Writes the run, its instructions and every record as an instance in one transaction and returns the run id
    /// and whether it was written now (false: the same file was imported under this name meanwhile, nothing
    /// written). Another run of the name is `RunImportError.nameTaken`.
    public func write(
        _ plan: ImportPlan, name: String, recipe: Recipe, provenance: ImportProvenance, threshold: Double = 0.7
    ) async throws -> (runID: Int64, written: Bool) {
        let admitted = plan.admitted
        guard admitted > 0 else { throw RunImportError.nothingAdmitted(records: plan.records) }
        do {
            return try await database.transaction { tx in
                let runID = try await RunsTable.insertImported(
                    name: name, recipe: recipe, target: admitted, threshold: threshold, configJSON: provenance.configJSON, on: tx)
                let ids = try await InstructionsTable.insertImported(plan.instructions, runID: runID, on: tx)
                try await InstancesTable.insertImported(plan.instructions, instructionIDs: ids, runID: runID, on: tx)
                return (runID, true)
            }
        } catch let error as StoreError where error.kind == .uniqueViolation && error.constraint == RunsTable.nameConstraint {
            // Another import of the name committed first.
            switch try await existing(name: name, sha256: provenance.sha256) {
            case .sameFile(let runID, _): return (runID, false)
            case .otherRun(let runID, let other): throw RunImportError.nameTaken(name: name, runID: runID, provenance: other)
            case .none: throw error
            }
        }
    }
}
