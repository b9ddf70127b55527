/// One parameter value: its text form (nil is NULL) and the type PostgreSQL is told.
public struct SQLBind: Sendable, Hashable {
    /// The parameter type announced to the server; `.inferred` lets the statement decide.
    public enum ParameterType: UInt32, Sendable, Hashable {
        case inferred = 0
        case bool = 16
        case bytea = 17
        case int8 = 20
        case int4 = 23
        case float8 = 701

        /// The SQL type name, or `unknown` for an inferred parameter.
        public var name: String {
            switch self {
            case .inferred: "unknown"
            case .bool: "bool"
            case .bytea: "bytea"
            case .int8: "int8"
            case .int4: "int4"
            case .float8: "float8"
            }
        }
    }

    /// The value in PostgreSQL's text input format; nil is SQL NULL.
    public let text: String?
    /// The announced type.
    public let type: ParameterType

    /// Makes a bind from text already in PostgreSQL's input format.
    public init(text: String?, type: ParameterType) {
        self.text = text
        self.type = type
    }
}
