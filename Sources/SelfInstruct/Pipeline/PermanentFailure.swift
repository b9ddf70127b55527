/// A failure of a message's work that retrying cannot fix (an entity that does not exist, a message of the wrong
/// kind, stored data that cannot be read): the stage runtime dead-letters it on the first attempt, with `kind` as
/// the bounded reason code (`dead_letters.error_kind`).
public protocol PermanentFailure: Error, CustomStringConvertible {
    /// A bounded reason code such as `unknown_entity`.
    var kind: String { get }
}
