/// Every check of one run; `passed` when all of them did.
public struct AuditReport: Sendable, Hashable, Encodable {
    public var runID: Int64
    public var name: String
    public var recipe: String
    public var status: String
    public var checks: [AuditCheck]
    public var passed: Bool { checks.allSatisfy(\.passed) }

    enum CodingKeys: String, CodingKey { case runID = "run_id", name, recipe, status, checks, passed }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(runID, forKey: .runID)
        try container.encode(name, forKey: .name)
        try container.encode(recipe, forKey: .recipe)
        try container.encode(status, forKey: .status)
        try container.encode(checks, forKey: .checks)
        try container.encode(passed, forKey: .passed)
    }
}
