/// What `ImportReader` found in a file: its format, the well-formed records in file order, and every problem.
public struct ImportFile: Sendable {
    public var fileName: String
    public var format: ImportFormat
    /// Self-Instruct lines contribute one record per instance, all with the line's number.
    public var records: [ImportRecord]
    public var problems: [InputProblem]

    public var errors: [InputProblem] { problems.filter { $0.severity == .error } }
}
