/// A Swift type that can be read from a column in PostgreSQL's text format.
public protocol SQLDecodable: Sendable {
    /// The value for `text` (nil is SQL NULL), or nil when it does not convert.
    static func decode(sqlText text: String?) -> Self?
    /// What the type expects, for error messages (`bigint`, `boolean`…).
    static var sqlTypeDescription: String { get }
}
