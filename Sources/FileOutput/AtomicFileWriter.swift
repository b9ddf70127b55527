// Output files that are either complete or absent: written to a temporary file beside the destination, synced,
// renamed over it, and the directory synced, so neither a crash nor a failure leaves a half-written file.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one file atomically, whole or streamed: `init` opens `<path>.partial` (removing a leftover of an
/// earlier, interrupted write of the same destination), `append` adds bytes, `commit` syncs the data, renames it
/// over `path` and syncs the directory; `abandon` (or `deinit` without `commit`) removes the temporary file and
/// leaves any existing `path` untouched.
///
/// Two writers of the same destination at once share the temporary name and must not overlap. Not thread-safe:
/// one owner at a time.
public final class AtomicFileWriter {
    /// The destination.
    public let path: String
    /// Where the bytes go until `commit`.
    public let temporaryPath: String
    private var descriptor: Int32

    /// The temporary file name used for `path`: `<path>.partial`, recognisable and removable by anyone.
    public static func temporaryPath(for path: String) -> String { path + ".partial" }

    /// Opens the temporary file for `path`, mode 0644, after removing a stale one.
    public init(path: String) throws(FileOutputError) {
        self.path = path
        let temporaryPath = Self.temporaryPath(for: path)
        self.temporaryPath = temporaryPath
        if unlink(temporaryPath) != 0 && errno != ENOENT {
            throw FileOutputError(operation: "unlink stale", path: temporaryPath, code: errno)
        }
        let descriptor = Self.retryingInterrupts { open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        guard descriptor >= 0 else { throw FileOutputError(operation: "open", path: temporaryPath, code: errno) }
        self.descriptor = descriptor
    }

    deinit {
        if descriptor >= 0 { abandon() }
    }

    /// True until `commit` or `abandon`.
    public var isOpen: Bool { descriptor >= 0 }

    /// Appends `bytes` to the temporary file.
    public func append(_ bytes: some Collection<UInt8>) throws(FileOutputError) {
        guard descriptor >= 0 else { throw FileOutputError(operation: "write", path: temporaryPath, code: EBADF) }
        let failure: Int32?
        if let result = bytes.withContiguousStorageIfAvailable({ writeAll($0) }) {
            failure = result
        } else {
            failure = Array(bytes).withUnsafeBufferPointer { writeAll($0) }
        }
        if let code = failure { throw FileOutputError(operation: "write", path: temporaryPath, code: code) }
    }

    /// Appends the UTF-8 of `text`.
    public func append(_ text: String) throws(FileOutputError) {
        try append(text.utf8)
    }

    /// Makes the written bytes the content of `path`: fsync, close, rename over `path`, fsync the directory.
    /// On failure the temporary file is removed and `path` keeps its old content (or stays absent).
    public func commit() throws(FileOutputError) {
        guard descriptor >= 0 else { throw FileOutputError(operation: "commit", path: temporaryPath, code: EBADF) }
        if Self.retryingInterrupts({ fsync(descriptor) }) != 0 {
            let code = errno
            abandon()
            throw FileOutputError(operation: "fsync", path: temporaryPath, code: code)
        }
        let closed = close(descriptor)
        let closeCode = errno
        descriptor = -1
        if closed != 0 && closeCode != EINTR {
            unlink(temporaryPath)
            throw FileOutputError(operation: "close", path: temporaryPath, code: closeCode)
        }
        guard rename(temporaryPath, path) == 0 else {
            let code = errno
            unlink(temporaryPath)
            throw FileOutputError(operation: "rename", path: path, code: code)
        }
        try Self.syncDirectory(of: path)
    }

    /// Gives up: closes and removes the temporary file; `path` is untouched. Idempotent.
    public func abandon() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        unlink(temporaryPath)
    }

    /// Writes `bytes` as the whole content of `path`, atomically.
    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws(FileOutputError) {
        let writer = try AtomicFileWriter(path: path)
        do {
            try writer.append(bytes)
            try writer.commit()
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// `mkdir -p path` with mode 0755; existing directories are fine.
    public static func makeDirectories(_ path: String) throws(FileOutputError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw FileOutputError(operation: "mkdir", path: prefix, code: errno)
            }
        }
    }

    /// The directory holding `path` (`.` for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Syncs the directory entry of a rename, so the new name survives a crash.
    private static func syncDirectory(of path: String) throws(FileOutputError) {
        let directory = directory(of: path)
        let descriptor = retryingInterrupts { open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw FileOutputError(operation: "open directory", path: directory, code: errno) }
        defer { close(descriptor) }
        // Some file systems cannot sync a directory (EINVAL); the rename itself has happened.
        if retryingInterrupts({ fsync(descriptor) }) != 0 && errno != EINVAL {
            throw FileOutputError(operation: "fsync directory", path: directory, code: errno)
        }
    }

    /// Writes the whole buffer, retrying short writes and EINTR; the errno on failure, nil on success.
    private func writeAll(_ buffer: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard var next = buffer.baseAddress else { return nil }
        var remaining = buffer.count
        while remaining > 0 {
            let count = systemWrite(descriptor, next, remaining)
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            next += count
            remaining -= count
        }
        return nil
    }

    private static func retryingInterrupts(_ call: () -> Int32) -> Int32 {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }
}

/// `write(2)`, named apart from `AtomicFileWriter.write(_:to:)`.
func systemWrite(_ descriptor: Int32, _ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
