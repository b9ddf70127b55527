public import SelfInstruct
public import Store
public import Records

/// Creates runs and moves them through their lifecycle. The daemons pick runs up from the database.
public struct RunControl: Sendable {
    public let database: Database
    /// The broker namespace of the daemons (`SI_AMQP_NAMESPACE`), which names their queues.
    public let namespace: String

    public init(database: Database, namespace: String = "si") {
        self.database = database
        self.namespace = namespace
    }

    /// Inserts the run and its seed tasks in one transaction; returns the run id.
    public func create(_ definition: RunDefinition) async throws -> Int64 {
        let problems = definition.problems
        guard problems.isEmpty else { throw RunControlError.invalidDefinition(problems) }
        do {
            return try await database.transaction { tx in
                let runID = try await RunsTable.insert(definition, on: tx)
                try await SeedTasksTable.insert(definition.seeds, runID: runID, on: tx)
                return runID
            }
        } catch let error as StoreError where error.kind == .uniqueViolation && error.constraint == RunsTable.nameConstraint {
            throw RunControlError.nameTaken(definition.name)
        }
    }

    /// The id of the run named by `reference`: a decimal id, else a name.
    public func resolve(_ reference: String) async throws -> Int64 {
        guard let id = try await RunsTable.id(named: reference, on: database) else { throw RunControlError.unknownRun(reference) }
        return id
    }

    /// Applies `command` to the run, refusing impossible transitions. `start` records `started_at` and issues
    /// the initial generation tokens; `resume` re-issues the parked ones; `cancel` records `finished_at`.
    public func apply(_ command: RunCommand, to reference: String) async throws -> RunTransition {
        let runID = try await resolve(reference)
        let namespace = self.namespace
        var transition = try await database.transaction { tx in
            guard let run = try await RunsTable.summary(id: runID, forUpdate: true, on: tx) else {
                throw RunControlError.unknownRun(reference)
            }
            guard let to = run.status.applying(command) else {
                throw RunControlError.impossibleTransition(run: "\(runID) (\(run.name))", command: command, from: run.status)
            }
            try await RunsTable.applyCommand(command, to: to, id: runID, on: tx)
            var issued = 0
            if command == .start {
                // The workers' own issuer, so these and re-issued tokens are the same messages. `start` only
                // leaves `created`, so every token is new here.
                issued = try await GenerationTokens.issueInitial(
                    runID: runID, concurrency: run.concurrency, namespace: namespace, in: tx)
            }
            return RunTransition(runID: runID, name: run.name, from: run.status, to: to, tokensIssued: issued)
        }
        guard command == .resume else { return transition }
        // Pausing parks the tokens (the filter stops re-issuing them); resuming puts each parked one back, after
        // the status change committed so the filters see `running` from then on.
        transition.tokensIssued = try await GenerationTokens.reissueParked(runID: runID, namespace: namespace, database: database)
        return transition
    }
}
