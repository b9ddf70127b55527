/// A `batch` setting that cannot be read; the message names the key and what was expected.
public struct BatchSettingsError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
