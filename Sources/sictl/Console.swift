import Foundation

/// Progress and diagnostics go to stderr; data goes to stdout or files.
enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
