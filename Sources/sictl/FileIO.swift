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

    /// Writes `path` atomically: the data goes to a temporary file beside it that is renamed into place only
    /// when complete, so a failure or interruption never leaves a half-written output.
    static func writeAtomically(_ path: String, _ body: (inout OutputBuffer) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure(description: "\(path): the directory \(directory) does not exist")
        }
        let temporary = directory + "/." + url.lastPathComponent + ".partial-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw CommandFailure(description: "\(path): cannot create a file in \(directory)")
        }
        var buffer = OutputBuffer(handle: handle)
        do {
            try body(&buffer)
            try buffer.flush()
            try handle.synchronize()
            try handle.close()
            guard rename(temporary, path) == 0 else {
                throw CommandFailure(description: "\(path): cannot move the finished output into place (errno \(errno))")
            }
        } catch {
            try? handle.close()
            unlink(temporary)
            throw error
        }
    }
}

/// Buffered writes to a file handle.
struct OutputBuffer {
    let handle: FileHandle
    private var bytes: [UInt8] = []

    init(handle: FileHandle) {
        self.handle = handle
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
        try handle.write(contentsOf: bytes)
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
