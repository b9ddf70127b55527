/// The rows and command status of one statement, copied out of libpq before its `PGresult` was freed.
public struct QueryResult: Sendable, Hashable {
    /// Column names in result order.
    public let columns: [String]
    /// Row values in text format; nil is SQL NULL.
    public let rows: [[String?]]
    /// The command tag, such as `INSERT 0 3` or `SELECT 2`.
    public let commandTag: String
    /// Rows inserted, updated, deleted, selected, … when the command reports a count.
    public let affectedRowCount: Int?

    /// Makes a result (tests and fakes; the adapter builds them from libpq).
    public init(columns: [String], rows: [[String?]], commandTag: String, affectedRowCount: Int?) {
        self.columns = columns
        self.rows = rows
        self.commandTag = commandTag
        self.affectedRowCount = affectedRowCount
    }

    /// The index of the first column called `name`.
    public func columnIndex(_ name: String) -> Int? {
        columns.firstIndex(of: name)
    }

    /// The text value at `row` in the column called `column`; nil for NULL or an unknown column.
    public subscript(row: Int, column: String) -> String? {
        guard let index = columnIndex(column) else { return nil }
        return rows[row][index]
    }
}

extension QueryResult {
    /// The row at `index`, for decoding by column name.
    public func row(_ index: Int) -> Row {
        Row(columns: columns, values: rows[index])
    }

    /// Every row, for decoding by column name.
    public var decodableRows: [Row] {
        rows.map { Row(columns: columns, values: $0) }
    }

    /// The only row; throws when the statement returned none or several.
    public func singleRow() throws(StoreError) -> Row {
        guard rows.count == 1 else {
            throw StoreError(kind: .decoding, operation: commandTag,
                             message: "expected exactly one row, got \(rows.count)", classification: .permanent)
        }
        return row(0)
    }
}

extension String: SQLDecodable {
    public static func decode(sqlText text: String?) -> String? { text }
    public static var sqlTypeDescription: String { "text" }
}

extension Int64: SQLDecodable {
    public static func decode(sqlText text: String?) -> Int64? { text.flatMap { Int64($0) } }
    public static var sqlTypeDescription: String { "an integer" }
}

extension Int: SQLDecodable {
    public static func decode(sqlText text: String?) -> Int? { text.flatMap { Int($0) } }
    public static var sqlTypeDescription: String { "an integer" }
}

extension Int32: SQLDecodable {
    public static func decode(sqlText text: String?) -> Int32? { text.flatMap { Int32($0) } }
    public static var sqlTypeDescription: String { "a 32-bit integer" }
}

extension Double: SQLDecodable {
    /// Reads float8 and numeric text, including PostgreSQL's `NaN`, `Infinity` and `-Infinity`.
    public static func decode(sqlText text: String?) -> Double? {
        guard let text else { return nil }
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return Double(text)
        }
    }
    public static var sqlTypeDescription: String { "a number" }
}

extension Bool: SQLDecodable {
    /// PostgreSQL's text output for boolean is `t` or `f`.
    public static func decode(sqlText text: String?) -> Bool? {
        switch text {
        case "t", "true": true
        case "f", "false": false
        default: nil
        }
    }
    public static var sqlTypeDescription: String { "a boolean" }
}

extension Array: SQLDecodable where Element == UInt8 {
    /// bytea in hex output format (`\x0a1b`, the default since PostgreSQL 9.0).
    public static func decode(sqlText text: String?) -> [UInt8]? {
        guard let text else { return nil }
        let utf8 = Array<UInt8>(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else {
            return nil
        }
        func nibble(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((utf8.count - 2) / 2)
        var index = 2
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
    public static var sqlTypeDescription: String { "bytea in hex format" }
}

extension Optional: SQLDecodable where Wrapped: SQLDecodable {
    /// NULL decodes to `.some(nil)`; a non-NULL value that does not convert fails.
    public static func decode(sqlText text: String?) -> Wrapped?? {
        guard let text else { return .some(nil) }
        guard let value = Wrapped.decode(sqlText: text) else { return nil }
        return .some(value)
    }
    public static var sqlTypeDescription: String { Wrapped.sqlTypeDescription + " or NULL" }
}
