/// A Swift value that can be bound as a statement parameter.
public protocol SQLBindable: Sendable {
    /// The value as a parameter.
    var sqlBind: SQLBind { get }
}
