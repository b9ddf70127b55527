// The `shards` table: files written by si-shards, with what the manifest promises about them.

public import SelfInstruct
public import Store

/// Every statement over `shards`.
public enum ShardsTable {
    /// One written file.
    public struct File: Sendable, Hashable {
        public var split: ShardSplit
        public var number: Int
        public var format: String
        /// Relative to the shards root.
        public var path: String
        public var records: Int
        public var bytes: Int
        public var sha256: String

        public init(split: ShardSplit, number: Int, format: String, path: String, records: Int, bytes: Int, sha256: String) {
            self.split = split
            self.number = number
            self.format = format
            self.path = path
            self.records = records
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    /// Replaces the run's rows with `files`.
    public static func replace(runID: Int64, with files: [File], on executor: some SQLExecutor) async throws {
        try await executor.execute("DELETE FROM shards WHERE run_id = \(runID)", operation: "shards_clear")
        for file in files {
            try await executor.execute("""
                INSERT INTO shards (run_id, split, shard_no, format, path, record_count, byte_count, sha256)
                VALUES (\(runID), \(file.split.rawValue), \(Int32(file.number)), \(file.format), \(file.path),
                        \(Int32(file.records)), \(Int64(file.bytes)), \(file.sha256))
                """, operation: "shard_insert")
        }
    }

    /// The run's files in the order they were recorded.
    public static func files(runID: Int64, on executor: some SQLExecutor) async throws -> [File] {
        try await executor.rows("""
            SELECT split, shard_no, format, path, record_count, byte_count, sha256 FROM shards WHERE run_id = \(runID) ORDER BY id
            """, operation: "shard_files").map { row throws(StoreError) in
                File(split: try row.decode("split", as: ShardSplit.self), number: try row.decode("shard_no"),
                     format: try row.decode("format"), path: try row.decode("path"), records: try row.decode("record_count"),
                     bytes: try row.decode("byte_count"), sha256: try row.decode("sha256"))
            }
    }

    /// Records per format, summed over the run's files.
    public static func recordsPerFormat(runID: Int64, on executor: some SQLExecutor) async throws -> [(format: String, records: Int)] {
        try await executor.rows("""
            SELECT format, sum(record_count)::bigint AS records FROM shards WHERE run_id = \(runID) GROUP BY format ORDER BY format
            """, operation: "shard_record_counts").map { row throws(StoreError) in
                (format: try row.decode("format"), records: try row.decode("records"))
            }
    }
}
