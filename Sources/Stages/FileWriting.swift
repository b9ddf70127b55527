import Logging
import Records
import SelfInstruct
import Store
import Worker
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
