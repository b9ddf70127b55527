/// Why a prompt text could not be loaded.
public enum PromptLibraryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes of a prompt text are not valid UTF-8.
    case invalidUTF8(kind: PromptKind, version: String)

    public var description: String {
        switch self {
        case let .invalidUTF8(kind, version): "prompt text \(version)/\(kind.rawValue) is not valid UTF-8"
        }
    }
}
