/// What `migrate()` found and did.
public struct MigrationReport: Sendable, Hashable, Codable {
    /// A migration by version and name.
    public struct Entry: Sendable, Hashable, Codable {
        /// The version.
        public let version: Int
        /// The name.
        public let name: String
    }

    /// Migrations this call applied, in order.
    public let applied: [Entry]
    /// Migrations that were already there before this call.
    public let alreadyApplied: [Entry]
    /// Versions recorded in the database that this program does not know (a newer program migrated it).
    public let unknownVersions: [Int]
    /// The rights granted to the worker role, when `migrate` was given one.
    public var grants: WorkerGrants?

    /// The highest version now in the database, 0 for none.
    public var currentVersion: Int {
        ((applied + alreadyApplied).map(\.version) + unknownVersions).max() ?? 0
    }
}
