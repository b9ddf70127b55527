/// One problem found in an input file, printable as a single line `file:line:column: message`.
public struct InputProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning }

    public var file: String
    public var line: Int
    public var column: Int?
    public var field: String?
    public var message: String
    public var severity: Severity

    public init(file: String, line: Int, column: Int? = nil, field: String? = nil, message: String, severity: Severity = .error) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
        self.severity = severity
    }

    public var description: String {
        var location = "\(file):\(line)"
        if let column { location += ":\(column)" }
        let subject = field.map { "field '\($0)': " } ?? ""
        return "\(location): \(severity.rawValue): \(subject)\(message)"
    }
}
