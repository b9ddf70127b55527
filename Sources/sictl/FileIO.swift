import FileOutput
import Foundation

/// An operator-facing failure: printed as one line on stderr, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
}

enum FileIO {
    /// The whole file, or a one-line error naming it.
    static func readAll(_ path: String) throws(CommandFailure) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                throw CommandFailure(description: "\(path): cannot read \(isDirectory.boolValue ? "a directory" : "the file (permission denied?)")")
            }
            throw CommandFailure(description: "\(path): no such file")
        }
        defer { try? handle.close() }
        do {
            return Array(try handle.readToEnd() ?? Data())
        } catch {
            throw CommandFailure(description: "\(path): read failed: \(error.localizedDescription)")
        }
    }

    /// Writes `path` atomically (FileOutput's `AtomicFileWriter`): the data goes to `path.partial`, which is synced
    /// and renamed into place only when complete, so a failure or interruption never leaves a half-written output.
    static func writeAtomically(_ path: String, _ body: (inout OutputBuffer) throws -> Void) throws {
        let file = try AtomicFileWriter(path: path)
        var buffer = OutputBuffer(file: file)
        do {
            try body(&buffer)
            try buffer.flush()
            try file.commit()
        } catch {
            file.abandon()
            throw error
        }
    }
}

/// Buffered writes to a file handle or an atomic output file.
struct OutputBuffer {
    private let sink: ([UInt8]) throws -> Void
    private var bytes: [UInt8] = []

    init(handle: FileHandle) {
        sink = { try handle.write(contentsOf: $0) }
        bytes.reserveCapacity(1 << 16)
    }

    init(file: AtomicFileWriter) {
        sink = { try file.append($0) }
        bytes.reserveCapacity(1 << 16)
    }

    mutating func writeLine(_ line: String) throws {
        bytes.append(contentsOf: line.utf8)
        bytes.append(0x0A)
        if bytes.count >= 1 << 16 { try flush() }
    }

    mutating func write(_ text: String) throws {
        bytes.append(contentsOf: text.utf8)
        if bytes.count >= 1 << 16 { try flush() }
    }

    mutating func flush() throws {
        guard !bytes.isEmpty else { return }
        try sink(bytes)
        bytes.removeAll(keepingCapacity: true)
    }
}

/// Progress and diagnostics go to stderr; data goes to stdout or files.
enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}

/// Seconds since an arbitrary start, for progress and timing.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
