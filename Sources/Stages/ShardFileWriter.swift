// One shard file being written: buffered appends to an atomic file, with its size and SHA-256 kept as it grows,
// so a file of any size is hashed without being held or read back.

import FileOutput
import SelfInstruct

/// A shard file under construction; `finish` makes it visible under its name, `abandon` removes it.
struct ShardFileWriter {
    /// Relative to the run directory.
    let path: String
    private let file: AtomicFileWriter
    private var buffer: [UInt8] = []
    private var hasher = SHA256()
    private(set) var bytes = 0
    private(set) var records = 0

    init(directory: String, path: String) throws(FileOutputError) {
        self.path = path
        if let slash = path.lastIndex(of: "/") { try AtomicFileWriter.makeDirectories(directory + "/" + path[..<slash]) }
        file = try AtomicFileWriter(path: directory + "/" + path)
        buffer.reserveCapacity(Self.flushSize)
    }

    private static let flushSize = 1 << 16

    /// Appends `text`, which holds `records` records.
    mutating func append(_ text: String, records: Int = 0) throws(FileOutputError) {
        buffer.append(contentsOf: text.utf8)
        self.records += records
        if buffer.count >= Self.flushSize { try flush() }
    }

    private mutating func flush() throws(FileOutputError) {
        guard !buffer.isEmpty else { return }
        hasher.update(buffer)
        bytes += buffer.count
        try file.append(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and renames the file into place; returns its SHA-256 in hex.
    mutating func finish() throws(FileOutputError) -> String {
        try flush()
        try file.commit()
        return SHA256.hex(hasher.finalize())
    }

    func abandon() {
        file.abandon()
    }
}
