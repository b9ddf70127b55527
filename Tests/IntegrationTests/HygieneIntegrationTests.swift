import Logging
import Operations
import Records
import SelfInstruct
import Stages
import Store
import TestSupport
import Testing

/// The hygiene pass in the instance filter against PostgreSQL: removed instances are rejected with the hygiene
/// code, normalised ones stored normalised with their fixes, both counted by `si_rejections` and
/// `InstancesTable.hygieneTallies`; a run with `"hygiene": false` keeps the reference behaviour.
@Suite struct HygieneIntegrationTests {
    static let quiet = Logger(label: "si.test.hygiene", factory: { _ in SwiftLogNoOpLogHandler() })
    static let instruction = "Name a famous landmark of the given city."
    /// Four instances: a "no input" marker, an N/A output, a zero-width space, and a clean one.
    static let completion = """
        Example 1
        Input: <noinput>
        Output: The Eiffel Tower is in Paris.

        Example 2
        Input: Berlin
        Output: N/A

        Example 3
        Input: Rome
        Output: The Colosseum\u{200B} is in Rome.

        Example 4
        Input: Madrid
        Output: The Royal Palace is in Madrid.
        """

    /// A self-instruct run with one admitted, classified instruction whose instances are generated; returns
    /// the run and instruction ids.
    static func instruction(in database: Database, config: String) async throws -> (run: Int64, instruction: Int64) {
        let runID = try await RunControl(database: database).create(RunDefinition(
            name: "hygiene-\(uniqueSuffix())", recipe: .selfInstruct, target: 1, seed: 3, threshold: 0.7, concurrency: 1,
            teacherModel: "sim", configJSON: config, seeds: SmallRun.seeds))
        let id = try await database.query("""
            INSERT INTO instructions (run_id, position, text, status, admission_seq, instances_raw, instances_finish_reason, decided_at)
            VALUES (\(runID), 0, \(instruction), 'admitted', 1, \(completion), 'stop', now())
            RETURNING id
            """).singleRow().decode("id", as: Int64.self)
        try await database.execute(
            "INSERT INTO classifications (instruction_id, run_id, is_classification) VALUES (\(id), \(runID), false)")
        return (runID, id)
    }

    static func filter(_ ids: (run: Int64, instruction: Int64), database: Database) async throws {
        let handler = FilterInstancesHandler(database: database, catalog: RunCatalog(database: database))
        let work = try await handler.handle(
            StageMessage(runID: ids.run, entityID: ids.instruction, kind: .instanceCandidates), logger: quiet)
        _ = try await database.transaction { transaction in try await work.write(transaction) }
    }

    static func instances(_ runID: Int64, database: Database) async throws -> [[String?]] {
        try await database.query("""
            SELECT input, output, status, reject_reason, array_to_string(hygiene_fixes, ',') AS fixes
            FROM instances WHERE run_id = \(runID) ORDER BY position
            """).rows
    }

    @Test func removedAndNormalisedInstancesAreStoredAndCounted() async throws {
        try await withMigratedSchema { database in
            let ids = try await Self.instruction(in: database, config: "{}")
            try await Self.filter(ids, database: database)
            #expect(try await Self.instances(ids.run, database: database) == [
                ["", "The Eiffel Tower is in Paris.", "valid", nil, "hygiene_noinput_marker"],
                ["Rome", "The Colosseum is in Rome.", "valid", nil, "hygiene_control_characters"],
                ["Madrid", "The Royal Palace is in Madrid.", "valid", nil, ""],
                ["Berlin", "N/A", "rejected", "hygiene_na_output", ""],
            ])
            let rejections = try await database.query("""
                SELECT stage, reason, count, example FROM si_rejections WHERE run_id = \(ids.run) ORDER BY stage, reason
                """).rows
            #expect(rejections == [
                ["filter.instances", "hygiene_na_output", "1", "input: Berlin | output: N/A"],
                ["hygiene.normalised", "hygiene_control_characters", "1", "input: Rome | output: The Colosseum is in Rome."],
                ["hygiene.normalised", "hygiene_noinput_marker", "1", "input:  | output: The Eiffel Tower is in Paris."],
            ])
            let tallies = try await InstancesTable.hygieneTallies(runID: ids.run, examples: 3, on: database)
            #expect(tallies.map(\.reason) == [.notApplicableOutput, .noInputMarker, .controlCharacters])
            #expect(tallies.map(\.count) == [1, 1, 1])
            #expect(tallies.first?.examples.map(\.instruction) == [Self.instruction])
            #expect(tallies.first?.examples.map(\.input) == ["Berlin"])

            // A redelivery inserts nothing twice.
            try await Self.filter(ids, database: database)
            #expect(try await Self.instances(ids.run, database: database).count == 4)
        }
    }

    @Test func aRunWithHygieneOffKeepsTheReferenceBehaviour() async throws {
        try await withMigratedSchema { database in
            let ids = try await Self.instruction(in: database, config: #"{"hygiene": false}"#)
            try await Self.filter(ids, database: database)
            let rows = try await Self.instances(ids.run, database: database)
            #expect(rows.map { $0[2] } == ["valid", "valid", "valid", "valid"])
            #expect(rows.first?[0] == "<noinput>")
            #expect(rows.allSatisfy { $0[4] == "" })
            #expect(try await InstancesTable.hygieneTallies(runID: ids.run, examples: 3, on: database).isEmpty)
        }
    }

    @Test func runSettingsReadTheHygieneKey() throws {
        #expect(try RunSettings(json: "{}").hygiene)
        #expect(try RunSettings(json: #"{"hygiene": true}"#).hygiene)
        #expect(try !RunSettings(json: #"{"hygiene": false, "shard_size": 10}"#).hygiene)
        #expect(throws: RecordError.self) { try RunSettings(json: #"{"hygiene": "no"}"#) }
    }

    @Test func runSettingsReadTheLanguageKey() throws {
        #expect(try RunSettings(json: "{}").language == .en)
        #expect(try RunSettings(json: #"{"language": "zh"}"#).language == .zh)
        #expect(try RunSettings(json: #"{"language": "unicode"}"#).language == .unicode)
        let error = #expect(throws: RecordError.self) { try RunSettings(json: #"{"language": "fr"}"#) }
        #expect(error?.message.contains("en, zh, unicode") == true)
        #expect(throws: RecordError.self) { try RunSettings(json: #"{"language": 1}"#) }
    }
}
