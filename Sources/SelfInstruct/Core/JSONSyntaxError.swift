/// Where and why JSON text could not be read. `offset` counts bytes from the start of the parsed text.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var expected: String

    public var description: String { "invalid JSON at byte \(offset): expected \(expected)" }
}
