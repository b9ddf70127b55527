/// Admission rows arrived out of order or with a gap: the caller must fetch the missing ones first.
public struct AdmissionOrderError: Error, Sendable, Hashable, CustomStringConvertible {
    public var expected: Int64
    public var found: Int64

    public var description: String { "admission sequence out of order: expected \(expected), found \(found)" }
}
