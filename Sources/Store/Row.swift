/// One result row whose values are read by column name and converted from PostgreSQL's text format.
public struct Row: Sendable, Hashable {
    /// Column names in result order.
    public let columns: [String]
    /// Text values; nil is SQL NULL.
    public let values: [String?]

    /// Makes a row (tests and fakes).
    public init(columns: [String], values: [String?]) {
        precondition(columns.count == values.count, "one value per column")
        self.columns = columns
        self.values = values
    }

    /// The value of `column` as `type`; errors name the column and the expected type (never the value).
    public func decode<Value: SQLDecodable>(_ column: String, as type: Value.Type = Value.self) throws(StoreError)
        -> Value
    {
        guard let index = columns.firstIndex(of: column) else {
            throw StoreError(kind: .decoding, operation: "decode \(column)",
                             message: "no column \"\(column)\" in the result (columns: \(columns.joined(separator: ", ")))",
                             classification: .permanent)
        }
        guard let value = Value.decode(sqlText: values[index]) else {
            let found = values[index] == nil ? "NULL" : "a value that is not \(Value.sqlTypeDescription)"
            throw StoreError(kind: .decoding, operation: "decode \(column)",
                             message: "column \"\(column)\" holds \(found)", classification: .permanent)
        }
        return value
    }
}

extension Row {
    /// A column holding one of a string enum's raw values (statuses, reasons, stage names); an unknown value is a
    /// decoding error that names the column, never a silent default.
    public func decode<Value: RawRepresentable & Sendable>(_ column: String, as type: Value.Type = Value.self)
        throws(StoreError) -> Value where Value.RawValue == String
    {
        let text = try decode(column, as: String.self)
        guard let value = Value(rawValue: text) else {
            throw StoreError(kind: .decoding, operation: "decode \(column)",
                             message: "column \"\(column)\" holds a value that is not a known \(Value.self)",
                             classification: .permanent)
        }
        return value
    }

    /// `decode(_:as:)` for a nullable enum column.
    public func decode<Value: RawRepresentable & Sendable>(_ column: String, as type: Value?.Type = Value?.self)
        throws(StoreError) -> Value? where Value.RawValue == String
    {
        guard let text = try decode(column, as: String?.self) else { return nil }
        guard let value = Value(rawValue: text) else {
            throw StoreError(kind: .decoding, operation: "decode \(column)",
                             message: "column \"\(column)\" holds a value that is not a known \(Value.self)",
                             classification: .permanent)
        }
        return value
    }
}
