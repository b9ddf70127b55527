// `sictl export`: a run's valid instances as training records, streamed from the database in pages so memory
// stays bounded whatever the run's size.

import Records
public import SelfInstruct
public import Store

/// Reads a run's valid instances in admission order, one page of instructions at a time.
public struct RunExport: Sendable {
    public let database: Database
    /// Admitted instructions read per page (their valid instances come with them).
    public let pageSize: Int

    public init(database: Database, pageSize: Int = 500) {
        precondition(pageSize > 0, "pages hold at least one instruction")
        self.database = database
        self.pageSize = pageSize
    }

    /// Calls `emit` with every valid instance of the run's admitted instructions, ordered by `admission_seq`, then
    /// the instance's position; returns how many. Keyset pagination over `admission_seq` (indexed with the run
    /// id), so each page costs the same; a live run's later admissions simply come in later pages.
    public func records(runID: Int64, _ emit: (TrainingRecord) throws -> Void) async throws -> Int {
        var after: Int64 = 0
        var emitted = 0
        while true {
            let instructions = try await InstructionsTable.admittedPage(runID: runID, after: after, limit: pageSize, on: database)
            guard let last = instructions.last else { return emitted }
            after = last.sequence
            var texts: [Int64: String] = [:]
            for instruction in instructions { texts[instruction.id] = instruction.text }
            for instance in try await InstancesTable.valid(instructionIDs: instructions.map(\.id), on: database) {
                guard let text = texts[instance.instructionID] else { continue }
                try emit(TrainingRecord(key: instance.id, instruction: text, input: instance.input, output: instance.output))
                emitted += 1
            }
            if instructions.count < pageSize { return emitted }
        }
    }
}
