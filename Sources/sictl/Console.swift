/// Progress and diagnostics go to stderr; data goes to stdout or files.

import Foundation

enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
