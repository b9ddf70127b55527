// si-shards: once every admitted instruction of a run has its instance outcome, writes the run's valid
// instances as JSONL shards plus `manifest.json` (counts and sha256 per file), records them in `shards`, marks
// each instance with its split and shard, and completes the run. Files are written before the transaction and
// are deterministic, so a retry or a redelivery after a crash rewrites the same bytes.

import FileOutput
public import Logging
public import Records
public import SelfInstruct
public import Store

/// The `si.shards` handler.
public struct ShardsHandler: StageHandler {
    public let stage = PipelineStage.shards
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

    /// The directory name of run `runName` below the shards root: the name itself when it only has characters of
    /// `[A-Za-z0-9._-]`; otherwise those others become `_` and the first 8 hex digits of the name's SHA-256 are
    /// appended, so two names that clean up alike ("a b" and "a_b") never share a directory (and its manifest).
    public static func runDirectoryName(_ runName: String) -> String {
        let safe = String(String.UnicodeScalarView(runName.unicodeScalars.map { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || scalar.properties.numericType != nil || "._-".unicodeScalars.contains(scalar))
                ? scalar : "_"
        }))
        let base = safe.isEmpty || safe.allSatisfy { $0 == "." } ? "run" : safe
        guard base != runName else { return base }
        return base + "-" + SHA256.hexDigest(of: runName).prefix(8)
    }

    public func handle(_ message: StageMessage, logger: Logger) async throws -> StageWork {
        guard message.kind == .shardRequest, message.entityID == message.runID else {
            throw PermanentStageError(kind: "wrong_kind", message: "si.shards got \(message.kind.rawValue) for \(message.entityID)")
        }
        let runID = message.runID
        let run = try await catalog.facts(run: runID)
        guard let summary = try await RunsTable.summary(id: runID, on: database) else { throw RecordError.unknownRun(runID) }
        let name = summary.name
        if summary.status.stops(stage) {
            logger.info("run stopped before sharding; nothing written", metadata: ["si.run_status": "\(summary.status.rawValue)"])
            return .emit([])
        }
        guard try await InstructionsTable.runIsComplete(runID: runID, target: run.target, on: database) else {
            throw PermanentStageError(kind: "run_incomplete", message: "run \(runID) still has instructions without instance outcome")
        }

        let records = try await InstancesTable.validRecords(runID: runID, on: database)
        let plan = ShardPlan.make(
            records: records, seed: run.seed, validationFraction: run.config.validationFraction, shardSize: run.config.shardSize)
        // `shards.path` is relative to the shards root, so the audit finds the files wherever the root is mounted.
        let relativeDirectory = Self.runDirectoryName(name)
        let runDirectory = directory + "/" + relativeDirectory
        try AtomicFileWriter.makeDirectories(runDirectory)
        var written: [WrittenShard] = []
        for shard in plan {
            var bytes: [UInt8] = []
            for record in shard.records { bytes += record.jsonLine.utf8 }
            try AtomicFileWriter.write(bytes, to: runDirectory + "/" + shard.fileName)
            written.append(WrittenShard(
                split: shard.split, number: shard.number, fileName: shard.fileName, path: relativeDirectory + "/" + shard.fileName,
                records: shard.records.count, bytes: bytes.count, sha256: SHA256.hexDigest(ofBytes: bytes)))
        }
        let manifest = Self.manifest(
            runName: name, runID: runID, recipe: run.recipe, seed: run.seed, settings: run.config,
            instructions: Set(records.map(\.instructionID)).count, shards: written)
        try AtomicFileWriter.write(Array(manifest.utf8), to: runDirectory + "/" + Self.manifestName)
        logger.info("shards written", metadata: [
            "si.records": "\(records.count)", "si.files": "\(written.count)", "si.directory": "\(runDirectory)",
        ])

        let files = written.map { shard in
            ShardsTable.File(split: shard.split, number: shard.number, format: Self.format, path: shard.path,
                             records: shard.records, bytes: shard.bytes, sha256: shard.sha256)
        }
        let assignments = plan.map { shard in (split: shard.split, number: shard.number, ids: shard.records.map(\.id)) }
        return StageWork(write: { transaction in
            try await ShardsTable.replace(runID: runID, with: files, on: transaction)
            for assignment in assignments {
                try await InstancesTable.assign(ids: assignment.ids, split: assignment.split, shard: assignment.number, on: transaction)
            }
            try await RunsTable.complete(id: runID, reason: "target reached and sharded", on: transaction)
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
