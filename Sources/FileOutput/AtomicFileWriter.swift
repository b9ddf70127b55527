// Output files that are either complete or absent: written to a temporary file beside the destination, synced,
// renamed over it, and the directory synced, so neither a crash nor a failure leaves a half-written file.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one file atomically, whole or streamed: `init` opens a temporary file of its own beside `path` (and
/// removes temporary files that writers of the same destination left behind when their process died), `append`
/// adds bytes, `commit` syncs the data, renames it over `path` and syncs the directory; `abandon` (or `deinit`
/// without `commit`) removes the temporary file and leaves any existing `path` untouched.
///
/// Each writer has its own temporary file (`.<name>.partial-<pid>-<n>`), so two writers of the same destination
/// at once (a redelivered shard request in a second replica) never touch each other's bytes: the last rename
/// wins, with a complete file either way. Not thread-safe: one owner at a time.
public final class AtomicFileWriter {
    /// The destination.
    public let path: String
    /// Where the bytes go until `commit`.
    public let temporaryPath: String
    private var descriptor: Int32

    /// The prefix of every temporary file name for `path`: `.<name>.partial-` in the same directory.
    public static func temporaryPrefix(for path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." + path + ".partial-" }
        return String(path[...slash]) + "." + path[path.index(after: slash)...] + ".partial-"
    }

    /// Opens a new temporary file for `path`, mode 0644, after removing stale ones.
    public init(path: String) throws(FileOutputError) {
        self.path = path
        let prefix = Self.temporaryPrefix(for: path)
        Self.removeStaleTemporaryFiles(prefix: prefix)
        var descriptor: Int32 = -1
        var temporaryPath = ""
        // A fresh name per writer: the process id (which tells later writers whether the owner is still alive)
        // and a random part for writers of one process.
        for _ in 0..<8 {
            temporaryPath = prefix + "\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
            descriptor = Self.retryingInterrupts { open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else { throw FileOutputError(operation: "open", path: temporaryPath, code: errno) }
        self.temporaryPath = temporaryPath
        self.descriptor = descriptor
    }

    /// Removes `<prefix><pid>-…` files whose process no longer exists on this host (a crashed writer's leftovers).
    /// Files of live processes, and of other hosts sharing the directory under a live pid, are left alone.
    static func removeStaleTemporaryFiles(prefix: String) {
        let directory = directory(of: prefix)
        let namePrefix = prefix.lastIndex(of: "/").map { String(prefix[prefix.index(after: $0)...]) } ?? prefix
        guard let stream = opendir(directory) else { return }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name.hasPrefix(namePrefix) else { continue }
            let owner = name.dropFirst(namePrefix.count).prefix(while: { $0 != "-" })
            guard let pid = Int32(owner), pid > 0, kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink((directory == "/" ? "" : directory) + "/" + name)
        }
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

    /// Removes the files (not directories) of `directory` whose names are not in `keep`, temporary files of other
    /// writers included, and returns their names; a missing directory has none. For a directory one writer owns,
    /// whose readers take every file in it.
    @discardableResult
    public static func removeFiles(in directory: String, except keep: Set<String>) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var removed: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name != ".", name != "..", entry.pointee.d_type != UInt8(DT_DIR), !keep.contains(name) else { continue }
            if unlink(directory + "/" + name) == 0 { removed.append(name) }
        }
        return removed.sorted()
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
