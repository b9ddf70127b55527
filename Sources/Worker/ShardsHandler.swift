// si-shards: once every admitted instruction of a run has its instance outcome, writes the run's valid
// instances as JSONL shards plus `manifest.json` (counts and sha256 per file), records them in `shards`, marks
// each instance with its split and shard, and completes the run. Files are written before the transaction and
// are deterministic, so a retry or a redelivery after a crash rewrites the same bytes.

public import Broker
public import Logging
public import SelfInstruct
public import Store

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `si.shards` handler.
public struct ShardsHandler: StageHandler {
    public let stage = Topology.Stage.shards
    private let database: Database
    private let catalog: RunCatalog
    private let directory: String

    /// The format every run gets; the other formats of architecture §8 come with the formats issue.
    public static let format = "jsonl"
    public static let manifestName = "manifest.json"

    /// A handler writing below `directory` (one sub-directory per run, named after the run).
    public init(database: Database, catalog: RunCatalog, directory: String) {
        self.database = database
        self.catalog = catalog
        self.directory = directory
    }

    /// The directory name of run `runName` below the shards root; characters outside `[A-Za-z0-9._-]` become `_`.
    public static func runDirectoryName(_ runName: String) -> String {
        let safe = String(String.UnicodeScalarView(runName.unicodeScalars.map { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || scalar.properties.numericType != nil || "._-".unicodeScalars.contains(scalar))
                ? scalar : "_"
        }))
        return safe.isEmpty || safe.allSatisfy { $0 == "." } ? "run" : safe
    }

    public func handle(_ message: StageMessage, logger: Logger) async throws -> StageWork {
        guard message.kind == .shardRequest, message.entityID == message.runID else {
            throw PermanentStageError(kind: "wrong_kind", message: "si.shards got \(message.kind.rawValue) for \(message.entityID)")
        }
        let runID = message.runID
        let run = try await catalog.facts(run: runID)
        let runRow = try await database.query("SELECT name, status FROM runs WHERE id = \(runID)", operation: "run_name")
            .singleRow()
        let name = try runRow.decode("name", as: String.self)
        let status = try runRow.decode("status", as: String.self)
        if status == "cancelled" || status == "failed" {
            logger.info("run stopped before sharding; nothing written", metadata: ["si.run_status": "\(status)"])
            return .emit([])
        }
        let complete = try await database.transaction { transaction in
            try await RunCompletionWatcher.runIsComplete(runID: runID, target: run.target, in: transaction)
        }
        guard complete else {
            throw PermanentStageError(kind: "run_incomplete", message: "run \(runID) still has instructions without instance outcome")
        }

        let rows = try await database.query("""
            SELECT s.id, s.instruction_id, n.text, s.input, s.output
            FROM instances s JOIN instructions n ON n.id = s.instruction_id
            WHERE s.run_id = \(runID) AND s.status = 'valid'
            ORDER BY n.admission_seq, s.position
            """, operation: "valid_instances")
        let records = try rows.decodableRows.map { row in
            ShardRecord(
                id: try row.decode("id", as: Int64.self), instructionID: try row.decode("instruction_id", as: Int64.self),
                instruction: try row.decode("text", as: String.self), input: try row.decode("input", as: String.self),
                output: try row.decode("output", as: String.self))
        }
        let plan = ShardPlan.make(
            records: records, seed: run.seed, validationFraction: run.config.validationFraction, shardSize: run.config.shardSize)
        // `shards.path` is relative to the shards root, so the audit finds the files wherever the root is mounted.
        let relativeDirectory = Self.runDirectoryName(name)
        let runDirectory = directory + "/" + relativeDirectory
        try FileWriting.makeDirectories(runDirectory)
        var written: [WrittenShard] = []
        for shard in plan {
            var bytes: [UInt8] = []
            for record in shard.records { bytes += record.jsonLine.utf8 }
            try FileWriting.writeAtomically(bytes, to: runDirectory + "/" + shard.fileName)
            written.append(WrittenShard(
                split: shard.split, number: shard.number, fileName: shard.fileName, path: relativeDirectory + "/" + shard.fileName,
                records: shard.records.count, bytes: bytes.count, sha256: SHA256.hexDigest(ofBytes: bytes)))
        }
        let manifest = Self.manifest(
            runName: name, runID: runID, recipe: run.recipe, seed: run.seed, settings: run.config,
            instructions: Set(records.map(\.instructionID)).count, shards: written)
        try FileWriting.writeAtomically(Array(manifest.utf8), to: runDirectory + "/" + Self.manifestName)
        logger.info("shards written", metadata: [
            "si.records": "\(records.count)", "si.files": "\(written.count)", "si.directory": "\(runDirectory)",
        ])

        // One `id = ANY(array)` update per shard: planned as an index lookup whatever the table statistics say
        // (a join against unnest() was planned as a nested loop over a sequential scan on a freshly grown table).
        let assignments = plan.map { shard in
            (split: shard.split.rawValue, number: Int32(shard.number),
             ids: "{" + shard.records.map { String($0.id) }.joined(separator: ",") + "}")
        }
        let shards = written
        return StageWork(write: { transaction in
            try await transaction.execute("DELETE FROM shards WHERE run_id = \(runID)", operation: "shards_clear")
            for shard in shards {
                try await transaction.execute("""
                    INSERT INTO shards (run_id, split, shard_no, format, path, record_count, byte_count, sha256)
                    VALUES (\(runID), \(shard.split.rawValue), \(Int32(shard.number)), \(Self.format), \(shard.path),
                            \(Int32(shard.records)), \(Int64(shard.bytes)), \(shard.sha256))
                    """, operation: "shard_insert")
            }
            for assignment in assignments {
                try await transaction.execute("""
                    UPDATE instances SET split = \(assignment.split), shard_no = \(assignment.number), sharded_at = now()
                    WHERE id = ANY(\(assignment.ids)::bigint[])
                    """, operation: "instances_sharded")
            }
            try await transaction.execute("""
                UPDATE runs SET status = 'completed', finished_at = clock_timestamp(), updated_at = clock_timestamp(),
                    status_reason = 'target reached and sharded'
                WHERE id = \(runID) AND status IN ('running', 'paused', 'draining')
                """, operation: "run_completed")
            return []
        })
    }

    /// One file written, as the manifest and the `shards` table describe it.
    struct WrittenShard: Sendable {
        var split: ShardSplit
        var number: Int
        var fileName: String
        var path: String
        var records: Int
        var bytes: Int
        var sha256: String
    }

    /// The manifest: no timestamps, so a re-run writes the same bytes.
    static func manifest(
        runName: String, runID: Int64, recipe: Recipe, seed: UInt64, settings: RunSettings, instructions: Int,
        shards: [WrittenShard]
    ) -> String {
        let files = shards.map { shard in
            "    {\"path\": \(JSONWriter.quoted(shard.fileName)), \"split\": \"\(shard.split.rawValue)\", \"shard\": \(shard.number), "
                + "\"format\": \"\(format)\", \"records\": \(shard.records), \"bytes\": \(shard.bytes), \"sha256\": \"\(shard.sha256)\"}"
        }
        let total = shards.reduce(0) { $0 + $1.records }
        return """
            {
              "run": \(JSONWriter.quoted(runName)),
              "run_id": \(runID),
              "recipe": "\(recipe.rawValue)",
              "seed": "\(seed)",
              "validation_fraction": \(settings.validationFraction),
              "shard_size": \(settings.shardSize),
              "instructions": \(instructions),
              "records": \(total),
              "files": [
            \(files.joined(separator: ",\n"))
              ]
            }

            """
    }
}

/// Small POSIX file helpers: directories, and whole-file writes that never leave a half-written file behind.
enum FileWriting {
    struct Failure: Error, CustomStringConvertible {
        var operation: String
        var path: String
        var code: Int32
        var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
    }

    /// `mkdir -p`.
    static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST { throw Failure(operation: "mkdir", path: prefix, code: errno) }
        }
    }

    /// Writes `bytes` to `path.partial`, syncs it, and renames it over `path`.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".partial"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure(operation: "open", path: temporary, code: errno) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBufferPointer { buffer in
                write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if count < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(descriptor)
                throw Failure(operation: "write", path: temporary, code: code)
            }
            offset += count
        }
        if fsync(descriptor) != 0 {
            let code = errno
            close(descriptor)
            throw Failure(operation: "fsync", path: temporary, code: code)
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else { throw Failure(operation: "rename", path: path, code: errno) }
    }
}
