/// A SQL statement whose interpolated values become `$n` parameters, never SQL text.
///
///     let query: SQLQuery = "SELECT id FROM runs WHERE name = \(name) AND target > \(minimum)"
///     // sql: "SELECT id FROM runs WHERE name = $1 AND target > $2", binds: [name, minimum]
///
/// Values are sent in text format. `String` binds go out untyped, so PostgreSQL infers their type from the
/// context (a text, jsonb, timestamptz or enum column all accept them); `Int` and `Int64` (int8), `Int32`
/// (int4, for functions such as the two-key advisory locks), `Double` (float8), `Bool` and `[UInt8]` (bytea,
/// sent as hex text `\x0a1b`) carry their type, so `SELECT \(1) + 1` works without a cast. A nil optional
/// binds SQL NULL (typed like its wrapped type).
/// Identifiers cannot be parameters: `\(identifier: name)` quotes one safely, `\(unsafeRaw: text)` pastes text
/// as is (only for text the program itself controls). `description` shows the SQL without values, fit for logs.
public struct SQLQuery: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible,
    CustomDebugStringConvertible
{
    /// One piece of the statement: literal SQL, or a reference to a bind by position.
    enum Piece: Sendable, Hashable {
        case sql(String)
        case bind(Int)
    }

    private(set) var pieces: [Piece]
    /// The bound values, in `$1, $2, …` order.
    public private(set) var binds: [SQLBind]

    /// The statement text with `$n` placeholders; safe to log.
    public var sql: String {
        var text = ""
        for piece in pieces {
            switch piece {
            case .sql(let fragment): text += fragment
            case .bind(let index): text += "$\(index + 1)"
            }
        }
        return text
    }

    /// A statement without binds, taken literally (for SQL the program itself wrote).
    public init(unsafeSQL sql: String) {
        pieces = [.sql(sql)]
        binds = []
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        pieces = stringInterpolation.pieces
        binds = stringInterpolation.binds
    }

    /// The SQL text only: values never appear in logs.
    public var description: String { sql }

    /// The SQL text and the bind types, still without values.
    public var debugDescription: String {
        "SQLQuery(\(sql), binds: [\(binds.map { $0.text == nil ? "NULL" : $0.type.name }.joined(separator: ", "))])"
    }

    /// Appends `other`, renumbering its binds after this query's.
    public mutating func append(_ other: SQLQuery) {
        let offset = binds.count
        for piece in other.pieces {
            switch piece {
            case .sql: pieces.append(piece)
            case .bind(let index): pieces.append(.bind(index + offset))
            }
        }
        binds.append(contentsOf: other.binds)
    }

    /// Joins `queries` with `separator` (such as `", "` or `" AND "`), renumbering binds.
    public static func joined(_ queries: [SQLQuery], separator: String) -> SQLQuery {
        var result = SQLQuery(unsafeSQL: "")
        for (position, query) in queries.enumerated() {
            if position > 0 { result.append(SQLQuery(unsafeSQL: separator)) }
            result.append(query)
        }
        return result
    }

    /// The interpolation builder: literal segments stay SQL, values become binds.
    public struct StringInterpolation: StringInterpolationProtocol {
        var pieces: [Piece] = []
        var binds: [SQLBind] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            pieces.reserveCapacity(interpolationCount * 2 + 1)
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            if !literal.isEmpty { pieces.append(.sql(literal)) }
        }

        /// A value, sent as the next `$n` parameter.
        public mutating func appendInterpolation(_ value: some SQLBindable) {
            pieces.append(.bind(binds.count))
            binds.append(value.sqlBind)
        }

        /// An optional value: the wrapped value, or NULL. (An explicit overload, so that the compiler does
        /// not warn as it does for optionals in ordinary string interpolation.)
        public mutating func appendInterpolation<Value: SQLBindable>(_ value: Value?) {
            pieces.append(.bind(binds.count))
            binds.append(value.sqlBind)
        }

        /// A string enum (status, reason, stage name), sent as its raw value.
        public mutating func appendInterpolation<Value: RawRepresentable & Sendable>(_ value: Value)
            where Value.RawValue == String
        {
            pieces.append(.bind(binds.count))
            binds.append(value.rawValue.sqlBind)
        }

        /// An optional string enum: its raw value, or NULL.
        public mutating func appendInterpolation<Value: RawRepresentable & Sendable>(_ value: Value?)
            where Value.RawValue == String
        {
            pieces.append(.bind(binds.count))
            binds.append(value.map(\.rawValue).sqlBind)
        }

        /// A fragment built elsewhere, inlined with its binds renumbered.
        public mutating func appendInterpolation(fragment: SQLQuery) {
            let offset = binds.count
            for piece in fragment.pieces {
                switch piece {
                case .sql: pieces.append(piece)
                case .bind(let index): pieces.append(.bind(index + offset))
                }
            }
            binds.append(contentsOf: fragment.binds)
        }

        /// An identifier (table, schema, column), double-quoted with embedded quotes doubled.
        public mutating func appendInterpolation(identifier: String) {
            pieces.append(.sql(SQLQuery.quoteIdentifier(identifier)))
        }

        /// Text pasted into the SQL unchanged. Only for text the program controls, never for input.
        public mutating func appendInterpolation(unsafeRaw text: String) {
            pieces.append(.sql(text))
        }
    }

    /// `name` as a quoted identifier: `"name"`, embedded `"` doubled.
    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }
}

extension String: SQLBindable {
    public var sqlBind: SQLBind { SQLBind(text: self, type: .inferred) }
}

extension Int: SQLBindable {
    public var sqlBind: SQLBind { SQLBind(text: String(self), type: .int8) }
}

extension Int64: SQLBindable {
    public var sqlBind: SQLBind { SQLBind(text: String(self), type: .int8) }
}

extension Int32: SQLBindable {
    public var sqlBind: SQLBind { SQLBind(text: String(self), type: .int4) }
}

extension Double: SQLBindable {
    /// Swift's shortest round-trip digits, which float8 reads back exactly; non-finite values in PostgreSQL's spelling.
    public var sqlBind: SQLBind {
        let text: String
        if isNaN {
            text = "NaN"
        } else if isInfinite {
            text = self < 0 ? "-Infinity" : "Infinity"
        } else {
            text = description
        }
        return SQLBind(text: text, type: .float8)
    }
}

extension Bool: SQLBindable {
    public var sqlBind: SQLBind { SQLBind(text: self ? "true" : "false", type: .bool) }
}

extension Array: SQLBindable where Element == UInt8 {
    /// bytea's hex input format, `\x` followed by two lower-case digits per byte.
    public var sqlBind: SQLBind {
        let digits = Swift.Array("0123456789abcdef".utf8)
        var text: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        text.reserveCapacity(2 + count * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return SQLBind(text: String(decoding: text, as: UTF8.self), type: .bytea)
    }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    /// The wrapped value, or NULL carrying the wrapped type.
    public var sqlBind: SQLBind {
        switch self {
        case .some(let value): value.sqlBind
        case .none: SQLBind(text: nil, type: Self.nullType)
        }
    }

    private static var nullType: SQLBind.ParameterType {
        // A typed NULL keeps `\(optionalInt) + 1` valid; strings stay inferred like their non-nil values.
        switch Wrapped.self {
        case is Int.Type, is Int64.Type: .int8
        case is Int32.Type: .int4
        case is Double.Type: .float8
        case is Bool.Type: .bool
        case is [UInt8].Type: .bytea
        default: .inferred
        }
    }
}
