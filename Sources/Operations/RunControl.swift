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
                if let budget = definition.budget { try await RunBudgetsTable.insert(runID: runID, budget: budget, on: tx) }
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
    /// the initial generation tokens; `resume` sends the parked messages again, re-issues the parked tokens and
    /// may change the budget (`budget`, only for `resume`); `cancel` records `finished_at`.
    public func apply(_ command: RunCommand, to reference: String, budget: RunBudget? = nil) async throws -> RunTransition {
        let runID = try await resolve(reference)
        if let budget {
            guard command == .resume else { throw RunControlError.invalidDefinition(["a budget can only be changed on resume"]) }
            guard budget.problems.isEmpty else { throw RunControlError.invalidDefinition(budget.problems) }
        }
        let namespace = self.namespace
        var transition = try await database.transaction { tx in
            guard let run = try await RunsTable.summary(id: runID, forUpdate: true, on: tx) else {
                throw RunControlError.unknownRun(reference)
            }
            guard let to = run.status.applying(command) else {
                throw RunControlError.impossibleTransition(run: "\(runID) (\(run.name))", command: command, from: run.status)
            }
            if let budget {
                if budget.usd != nil, try await RunsTable.prices(id: runID, on: tx) == nil {
                    throw RunControlError.invalidDefinition(["run \(runID) has no prices, so it cannot have a dollar budget"])
                }
                guard try await RunBudgetsTable.change(runID: runID, to: budget, on: tx) else {
                    throw RunControlError.invalidDefinition([
                        "run \(runID) was created without a budget; a budget is set with sictl run create --budget-usd/--budget-tokens"])
                }
            }
            try await RunsTable.applyCommand(command, to: to, id: runID, on: tx)
            var unparked = 0
            if run.status == .paused {
                // In the transaction that leaves `paused`: a stage parking a message holds the run row FOR SHARE,
                // so it either parked before this (and the message is sent here) or sees the new status and goes
                // on. `resume` and `drain` send them again; `cancel` drops them with the run's other work.
                let messages = try await ParkedMessagesTable.unpark(runID: runID, on: tx)
                if to != .cancelled {
                    try await OutboxTable.insert(messages, namespace: namespace, on: tx)
                    unparked = messages.count
                }
            }
            var issued = 0
            if command == .start {
                // The workers' own issuer, so these and re-issued tokens are the same messages. `start` only
                // leaves `created`, so every token is new here.
                issued = try await GenerationTokens.issueInitial(
                    runID: runID, concurrency: run.concurrency, namespace: namespace, in: tx)
            }
            return RunTransition(
                runID: runID, name: run.name, from: run.status, to: to, tokensIssued: issued, messagesUnparked: unparked)
        }
        if command == .resume {
            // Pausing parks the tokens (the filter stops re-issuing them); resuming puts each parked one back, after
            // the status change committed so the filters see `running` from then on.
            transition.tokensIssued = try await GenerationTokens.reissueParked(runID: runID, namespace: namespace, database: database)
        }
        if transition.tokensIssued > 0 || transition.messagesUnparked > 0 {
            // After the commit: a failed wake-up only costs the relays' next poll, so it is not the command failing.
            try? await OutboxTable.wakeRelays(namespace: namespace, on: database)
        }
        return transition
    }
}
