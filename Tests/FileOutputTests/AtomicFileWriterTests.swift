import FileOutput
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh directory under /tmp, removed (with its files) at the end of the test.
func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
    var template = Array("/tmp/fileoutput-test-XXXXXX".utf8CString)
    let directory = try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) })
    defer {
        for name in entries(directory) { unlink(directory + "/" + name) }
        rmdir(directory)
    }
    try body(directory)
}

/// The names in `directory`, without `.` and `..`, sorted.
func entries(_ directory: String) -> [String] {
    guard let stream = opendir(directory) else { return [] }
    defer { closedir(stream) }
    var names: [String] = []
    while let entry = readdir(stream) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
}

func contents(_ path: String) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { break }
        result += chunk[0..<count]
    }
    return result
}

@Suite("Atomic file writer")
struct AtomicFileWriterTests {
    @Test("a whole buffer becomes the file's content and no temporary file is left")
    func wholeBuffer() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/out.jsonl"
            try AtomicFileWriter.write(Array("one\ntwo\n".utf8), to: path)
            #expect(contents(path) == Array("one\ntwo\n".utf8))
            try AtomicFileWriter.write([UInt8](), to: path)
            #expect(contents(path) == [])
            #expect(entries(directory) == ["out.jsonl"])
        }
    }

    @Test("streamed chunks appear only at commit, in order")
    func streaming() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/stream.json"
            try AtomicFileWriter.write(Array("old".utf8), to: path)
            let writer = try AtomicFileWriter(path: path)
            var expected: [UInt8] = []
            for page in 0..<50 {
                let chunk = String(repeating: "page \(page) ", count: 200)
                try writer.append(chunk)
                expected += chunk.utf8
            }
            #expect(contents(path) == Array("old".utf8))
            #expect(entries(directory) == [".stream.json.partial-\(getpid())-" + writer.temporaryPath.split(separator: "-").last!, "stream.json"])
            try writer.commit()
            #expect(!writer.isOpen)
            #expect(contents(path) == expected)
            #expect(entries(directory) == ["stream.json"])
        }
    }

    @Test("a failure, or giving up, leaves the old file intact and no temporary file")
    func failureKeepsTheOldFile() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/keep.txt"
            try AtomicFileWriter.write(Array("precious".utf8), to: path)

            let abandoned = try AtomicFileWriter(path: path)
            try abandoned.append("half of a new")
            abandoned.abandon()
            #expect(contents(path) == Array("precious".utf8))
            #expect(entries(directory) == ["keep.txt"])

            do {
                let dropped = try AtomicFileWriter(path: path)
                try dropped.append("never committed")
            }
            #expect(contents(path) == Array("precious".utf8))
            #expect(entries(directory) == ["keep.txt"])

            // rename(2) onto a non-empty directory fails: the commit reports it and the temporary file goes.
            let blocked = directory + "/blocked"
            try AtomicFileWriter.makeDirectories(blocked + "/inside")
            let writer = try AtomicFileWriter(path: blocked)
            try writer.append("data")
            #expect {
                try writer.commit()
            } throws: { error in
                guard let error = error as? FileOutputError else { return false }
                return error.operation == "rename" && error.path == blocked && error.description.hasPrefix("rename \(blocked): ")
            }
            #expect(entries(directory) == ["blocked", "keep.txt"])
            rmdir(blocked + "/inside")
        }
    }

    @Test("temporary files of dead writers of the same destination are removed; a live writer's are left alone")
    func staleTemporaryRemoved() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/data.jsonl"
            let prefix = AtomicFileWriter.temporaryPrefix(for: path)
            #expect(prefix == directory + "/.data.jsonl.partial-")
            // A process id nobody has: the leftover of a crashed writer.
            var dead: Int32 = 4_000_000
            while kill(dead, 0) == 0 || errno != ESRCH { dead -= 1 }
            // A live writer (this process) of the same destination, then a crashed writer's leftover of it and
            // of another destination.
            let live = try AtomicFileWriter(path: path)
            try live.append("in progress")
            try AtomicFileWriter.write(Array("leftover of a crashed run".utf8), to: prefix + "\(dead)-1")
            try AtomicFileWriter.write(Array("other".utf8), to: directory + "/.other.jsonl.partial-\(dead)-1")
            #expect(entries(directory).count == 3)
            try AtomicFileWriter.write(Array("new".utf8), to: path)
            #expect(contents(path) == Array("new".utf8))
            #expect(entries(directory).sorted() == [".data.jsonl.partial-" + live.temporaryPath.split(separator: "partial-").last!,
                                                     ".other.jsonl.partial-\(dead)-1", "data.jsonl"].sorted())
            live.abandon()
        }
    }

    @Test("two writers of one destination at once each write their own file; the last commit wins, whole")
    func concurrentWritersDoNotMix() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/shard.jsonl"
            let first = try AtomicFileWriter(path: path)
            let second = try AtomicFileWriter(path: path)
            #expect(first.temporaryPath != second.temporaryPath)
            try first.append(String(repeating: "a", count: 10_000))
            try second.append(String(repeating: "b", count: 10))
            try second.commit()
            try first.append(String(repeating: "a", count: 10_000))
            #expect(contents(path) == Array(repeating: UInt8(ascii: "b"), count: 10))
            try first.commit()
            #expect(contents(path) == Array(repeating: UInt8(ascii: "a"), count: 20_000))
            #expect(entries(directory) == ["shard.jsonl"])
        }
    }

    @Test("errors name the operation, the path and the system's reason")
    func errorsNameOperationAndPath() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/missing/out.txt"
            #expect {
                try AtomicFileWriter.write(Array("x".utf8), to: path)
            } throws: { error in
                guard let error = error as? FileOutputError else { return false }
                return error.operation == "open" && error.path.hasPrefix(directory + "/missing/.out.txt.partial-")
                    && error.description.hasSuffix(": No such file or directory")
            }
            try AtomicFileWriter.makeDirectories(directory + "/a/b/c")
            try AtomicFileWriter.makeDirectories(directory + "/a/b/c")
            try AtomicFileWriter.write(Array("x".utf8), to: directory + "/a/b/c/out.txt")
            #expect(contents(directory + "/a/b/c/out.txt") == Array("x".utf8))
            unlink(directory + "/a/b/c/out.txt")
            rmdir(directory + "/a/b/c")
            rmdir(directory + "/a/b")
            rmdir(directory + "/a")
        }
    }
}

@Suite("Clearing a directory one writer owns")
struct RemoveFilesTests {
    @Test func everyFileNotKeptGoesAndSubdirectoriesStay() throws {
        try withTemporaryDirectory { directory in
            try AtomicFileWriter.write(Array("a".utf8), to: directory + "/train-00000.jsonl")
            try AtomicFileWriter.write(Array("b".utf8), to: directory + "/train-00001.jsonl")
            // A dead writer's temporary file whose pid a restarted process got again: not seen as stale by pid.
            try AtomicFileWriter.write(Array("c".utf8), to: directory + "/.train-00000.jsonl.partial-\(getpid())-1")
            mkdir(directory + "/nested", 0o755)
            defer { rmdir(directory + "/nested") }
            let removed = AtomicFileWriter.removeFiles(in: directory, except: ["train-00000.jsonl"])
            #expect(removed == [".train-00000.jsonl.partial-\(getpid())-1", "train-00001.jsonl"])
            #expect(entries(directory) == ["nested", "train-00000.jsonl"])
            #expect(AtomicFileWriter.removeFiles(in: directory + "/missing", except: []).isEmpty)
        }
    }
}
