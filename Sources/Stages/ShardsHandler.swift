// si-shards: once every admitted instruction of a run has its instance outcome, writes the run's valid
// instances as shards in each of the run's formats, `dataset_info.json` for LLaMA-Factory and `manifest.json`
// (counts, bytes and sha256 per file), records them in `shards`, marks each instance with its split and shard,
// and completes the run. The texts are read a page at a time while writing, so memory does not grow with the
// run. Files are written before the transaction and are deterministic, so a retry or a redelivery after a
// crash rewrites the same bytes.

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

    public static let manifestName = "manifest.json"
    /// LLaMA-Factory's dataset registry, naming each format's directories.
    public static let datasetInfoName = "dataset_info.json"
    /// Instances read per query while writing: their texts (a few MB) are all that is held.
    static let pageSize = 10_000

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

        // Planned on instance and instruction ids alone; the texts come a page at a time while the files are written.
        let clock = ContinuousClock()
        let started = clock.now
        let keys = try await InstancesTable.validKeys(runID: runID, on: database)
        let plan = ShardPlan.make(
            records: keys, seed: run.seed, validationFraction: run.config.validationFraction, shardSize: run.config.shardSize)
        // `shards.path` is relative to the shards root, so the audit finds the files wherever the root is mounted.
        let relativeDirectory = Self.runDirectoryName(name)
        let runDirectory = directory + "/" + relativeDirectory
        try AtomicFileWriter.makeDirectories(runDirectory)
        let formats = run.config.formats
        var encoders = formats.map { TrainingFileEncoder(format: $0, systemPrompt: run.config.systemPrompt, seed: run.seed) }
        var written: [WrittenShard] = []
        for shard in plan {
            var writers: [ShardFileWriter] = []
            do {
                for index in formats.indices {
                    writers.append(try ShardFileWriter(directory: runDirectory, path: shard.path(format: formats[index])))
                    try writers[index].append(encoders[index].beginFile())
                }
                var start = 0
                while start < shard.keys.count {
                    let ids = shard.keys[start..<min(start + Self.pageSize, shard.keys.count)].map(\.id)
                    start += ids.count
                    var page: [Int64: (instructionID: Int64, input: String, output: String)] = [:]
                    for instance in try await InstancesTable.contents(ids: ids, on: database) {
                        page[instance.id] = (instance.instructionID, instance.input, instance.output)
                    }
                    let texts = try await InstructionsTable.texts(ids: Array(Set(page.values.map(\.instructionID))), on: database)
                    for id in ids {
                        guard let instance = page[id], let instruction = texts[instance.instructionID] else {
                            throw PermanentStageError(kind: "instance_vanished", message: "instance \(id) of run \(runID) is gone")
                        }
                        let record = TrainingRecord(key: id, instruction: instruction, input: instance.input, output: instance.output)
                        for index in formats.indices {
                            let text = encoders[index].encode(record)
                            try writers[index].append(text, records: text.isEmpty ? 0 : 1)
                        }
                    }
                }
                for index in formats.indices {
                    // Every pair of a self-instruct shard may repeat earlier ones: no file rather than an empty one,
                    // which `datasets` cannot load.
                    if writers[index].records == 0 && !formats[index].keepsEveryRecord {
                        writers[index].abandon()
                        continue
                    }
                    try writers[index].append(encoders[index].footer)
                    let sha256 = try writers[index].finish()
                    written.append(WrittenShard(
                        format: formats[index], split: shard.split, number: shard.number, path: writers[index].path,
                        records: writers[index].records, bytes: writers[index].bytes, sha256: sha256))
                }
            } catch {
                for writer in writers { writer.abandon() }
                throw error
            }
        }
        // The run directory is this stage's: files an earlier attempt, an earlier run of the same name or a writer
        // that died left in a format's directories would be read by LLaMA-Factory (it loads whole directories).
        for format in TrainingFormat.allCases {
            for split in ShardSplit.allCases {
                let directory = PlannedShard.directory(format: format, split: split)
                let keep = Set(written.filter { $0.format == format && $0.split == split }.map { String($0.path.split(separator: "/").last!) })
                let removed = AtomicFileWriter.removeFiles(in: runDirectory + "/" + directory, except: keep)
                if !removed.isEmpty {
                    logger.notice("removed files no shard of this run wrote", metadata: [
                        "si.directory": "\(directory)", "si.files": "\(removed.joined(separator: ","))",
                    ])
                }
            }
        }
        let entries = formats.flatMap { format in
            ShardSplit.allCases.filter { split in plan.contains { $0.split == split } }.map { split in
                LlamaFactoryDatasetInfo.Entry(format: format, split: split, directory: PlannedShard.directory(format: format, split: split))
            }
        }
        let datasetInfo = Array(LlamaFactoryDatasetInfo.json(
            run: relativeDirectory, entries: entries, hasSystemPrompt: run.config.systemPrompt != nil).utf8)
        try AtomicFileWriter.write(datasetInfo, to: runDirectory + "/" + Self.datasetInfoName)
        let manifest = Self.manifest(
            runName: name, runID: runID, recipe: run.recipe, seed: run.seed, settings: run.config,
            instructions: Set(keys.map(\.instructionID)).count, records: keys.count, shards: written,
            datasetInfo: (entries: entries.count, bytes: datasetInfo.count, sha256: SHA256.hexDigest(ofBytes: datasetInfo)))
        try AtomicFileWriter.write(Array(manifest.utf8), to: runDirectory + "/" + Self.manifestName)
        // At notice, so a benchmark's logs show where the end of a run goes.
        logger.notice("shards written", metadata: [
            "si.records": "\(keys.count)", "si.files": "\(written.count)", "si.directory": "\(runDirectory)",
            "si.formats": "\(formats.map(\.rawValue).joined(separator: ","))", "si.seconds": "\(started.duration(to: clock.now))",
        ])

        let files = written.map { shard in
            ShardsTable.File(split: shard.split, number: shard.number, format: shard.format.rawValue,
                             path: relativeDirectory + "/" + shard.path, records: shard.records, bytes: shard.bytes, sha256: shard.sha256)
        }
        let assignments = plan.map { shard in (split: shard.split, number: shard.number, ids: shard.keys.map(\.id)) }
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
        var format: TrainingFormat
        var split: ShardSplit
        var number: Int
        /// Relative to the run directory.
        var path: String
        var records: Int
        var bytes: Int
        var sha256: String
    }

    /// The manifest: every file of every format, then `dataset_info.json`; no timestamps, so a re-run writes the
    /// same bytes.
    static func manifest(
        runName: String, runID: Int64, recipe: Recipe, seed: UInt64, settings: RunSettings, instructions: Int, records: Int,
        shards: [WrittenShard], datasetInfo: (entries: Int, bytes: Int, sha256: String)
    ) -> String {
        var files = shards.map { shard in
            "    {\"path\": \(JSONWriter.quoted(shard.path)), \"format\": \"\(shard.format.rawValue)\", "
                + "\"split\": \"\(shard.split.rawValue)\", \"shard\": \(shard.number), "
                + "\"records\": \(shard.records), \"bytes\": \(shard.bytes), \"sha256\": \"\(shard.sha256)\"}"
        }
        files.append("    {\"path\": \"\(datasetInfoName)\", \"format\": \"dataset_info\", \"records\": \(datasetInfo.entries), "
            + "\"bytes\": \(datasetInfo.bytes), \"sha256\": \"\(datasetInfo.sha256)\"}")
        let formats = settings.formats.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        return """
            {
              "run": \(JSONWriter.quoted(runName)),
              "run_id": \(runID),
              "recipe": "\(recipe.rawValue)",
              "seed": "\(seed)",
              "validation_fraction": \(settings.validationFraction),
              "shard_size": \(settings.shardSize),
              "formats": [\(formats)],
              "system_prompt": \(settings.systemPrompt.map { JSONWriter.quoted($0) } ?? "null"),
              "instructions": \(instructions),
              "records": \(records),
              "files": [
            \(files.joined(separator: ",\n"))
              ]
            }

            """
    }
}
