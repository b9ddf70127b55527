/// Why an instance was dropped; the raw value is a stable snake_case code for SQL.
public enum InstanceDropReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// The completion hit the token limit and this was its last instance.
    case truncatedLast = "truncated_last"
    /// Input and output are identical.
    case inputEqualsOutput = "input_equals_output"
    /// The output is empty.
    case emptyOutput = "empty_output"
    /// The trimmed input or output ends with ":" (usually a cut-off generation).
    case endsWithColon = "ends_with_colon"
    /// Two instances share a non-empty input but differ in output, so the whole task is dropped.
    case conflictingOutputs = "conflicting_outputs"
    /// Same input and output as an earlier instance.
    case duplicate
    /// Not drawn when sampling the per-task maximum.
    case overLimit = "over_limit"

    /// The stable reason code.
    public var code: String { rawValue }
}
