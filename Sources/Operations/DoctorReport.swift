/// All checks; `ok` when every one passed.
public struct DoctorReport: Sendable, Hashable, Codable {
    public var checks: [DoctorCheck]
    public var ok: Bool { checks.allSatisfy(\.ok) }

    enum CodingKeys: String, CodingKey { case checks, ok }

    public init(checks: [DoctorCheck]) {
        self.checks = checks
    }

    public init(from decoder: any Decoder) throws {
        checks = try decoder.container(keyedBy: CodingKeys.self).decode([DoctorCheck].self, forKey: .checks)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(checks, forKey: .checks)
        try container.encode(ok, forKey: .ok)
    }
}
