/// The database a daemon connects to is not migrated to the version it needs, or its role lacks data rights;
/// the description says what to run (see `SchemaCheck`). The daemon exits with status 1.
public struct SchemaNotReady: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}
