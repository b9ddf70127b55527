import Foundation
import FileOutput

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
