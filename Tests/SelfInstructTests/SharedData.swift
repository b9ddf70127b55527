import Foundation

/// Reads files of the project's `../shared` folder, which a user's fresh clone does not have.
enum SharedData {
    /// `relativePath` resolved against the package root; nil when absent.
    static func read(_ relativePath: String) -> [UInt8]? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = root.appendingPathComponent(relativePath).standardizedFileURL
        return FileManager.default.contents(atPath: url.path).map(Array.init)
    }
}
