/// A format name that is not one of `TrainingFormat`'s.
public struct TrainingFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    public var name: String

    public init(name: String) {
        self.name = name
    }

    public var description: String {
        "unknown format '\(name)'; use " + TrainingFormat.allCases.map(\.rawValue).joined(separator: ", ") + " or all"
    }
}
