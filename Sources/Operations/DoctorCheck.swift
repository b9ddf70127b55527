/// The outcome of one check.
public struct DoctorCheck: Sendable, Hashable, Codable {
    public var name: String
    public var ok: Bool
    /// What was found, in one line.
    public var detail: String
    /// What to do about a failure (nil when it passed).
    public var fix: String?

    public init(name: String, ok: Bool, detail: String, fix: String? = nil) {
        self.name = name
        self.ok = ok
        self.detail = detail
        self.fix = ok ? nil : fix
    }
}
