/// The result of one invariant check.
public struct AuditCheck: Sendable, Hashable, Codable {
    /// Stable snake_case name of the check.
    public var name: String
    public var passed: Bool
    /// How many items were examined.
    public var checked: Int
    /// How many items break the invariant.
    public var violations: Int
    /// Up to `RunAudit.exampleLimit` violating items, described for an operator.
    public var examples: [String]
    /// One line on what was checked (or why it was skipped).
    public var detail: String
}
