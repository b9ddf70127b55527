import FileOutput
import Foundation

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

    /// Writes `path` atomically (FileOutput's `AtomicFileWriter`): the data goes to a temporary file beside it, which is synced
    /// and renamed into place only when complete, so a failure or interruption never leaves a half-written output.
    static func writeAtomically(_ path: String, _ body: (inout OutputBuffer) throws -> Void) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure(description: "\(path): the directory \(directory) does not exist")
        }
        let file: AtomicFileWriter
        do {
            file = try AtomicFileWriter(path: path)
        } catch {
            throw CommandFailure(description: "\(path): cannot create a file in \(directory) (\(error))")
        }
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

/// Seconds since an arbitrary start, for progress and timing.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
