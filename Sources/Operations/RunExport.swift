// `sictl export`: a run's valid instances as training records, streamed from the database in pages so memory
// stays bounded whatever the run's size.

import Records
import SelfInstruct
public import Store

/// The file layouts `export` writes.
public enum ExportFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// One `{"instruction", "input", "output"}` object per line.
    case jsonl
    /// One JSON list of those objects (Stanford Alpaca's `alpaca_data.json` layout), one record per line inside.
    case alpacaJSON = "alpaca-json"
}

/// One training record: an admitted instruction and one of its valid instances.
public struct ExportRecord: Sendable, Hashable {
    public var instruction: String
    public var input: String
    public var output: String

    public init(instruction: String, input: String, output: String) {
        self.instruction = instruction
        self.input = input
        self.output = output
    }

    /// `{"instruction": …, "input": …, "output": …}` with that key order, on one line.
    public var jsonObject: String {
        "{\"instruction\": \(JSONWriter.quoted(instruction)), \"input\": \(JSONWriter.quoted(input)), "
            + "\"output\": \(JSONWriter.quoted(output))}"
    }
}

/// Turns records into the bytes of one export format, piece by piece.
public struct ExportEncoder: Sendable {
    public let format: ExportFormat
    private var count = 0

    public init(format: ExportFormat) {
        self.format = format
    }

    /// What goes before the first record.
    public var header: String { format == .alpacaJSON ? "[" : "" }

    /// The text of the next record, separators included.
    public mutating func encode(_ record: ExportRecord) -> String {
        defer { count += 1 }
        switch format {
        case .jsonl: return record.jsonObject + "\n"
        case .alpacaJSON: return (count == 0 ? "\n    " : ",\n    ") + record.jsonObject
        }
    }

    /// What goes after the last record.
    public var footer: String {
        switch format {
        case .jsonl: ""
        case .alpacaJSON: count == 0 ? "]\n" : "\n]\n"
        }
    }
}

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
    public func records(runID: Int64, _ emit: (ExportRecord) throws -> Void) async throws -> Int {
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
                try emit(ExportRecord(instruction: text, input: instance.input, output: instance.output))
                emitted += 1
            }
            if instructions.count < pageSize { return emitted }
        }
    }
}
