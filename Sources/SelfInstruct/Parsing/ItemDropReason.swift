/// Why one item of a completion was dropped; `code` is a stable snake_case value for SQL.
public enum ItemDropReason: Sendable, Hashable {
    /// Reference Self-Instruct: the completion hit the token limit, so all of it was discarded.
    case truncatedCompletion
    /// The completion hit the token limit and this was its last (possibly cut) item.
    case truncatedLast
    /// An Alpaca piece without exactly one `Instruction`, `Input` and `Output` label.
    case malformedItem
    /// An Alpaca item that is well-formed but not numbered as its position expects (reference mode).
    case wrongNumber(expected: Int, found: Int)
    /// The instruction failed the cheap filters.
    case rejected(InstructionRejection)

    /// Stable reason code: the rejection's own code for `rejected`.
    public var code: String {
        switch self {
        case .truncatedCompletion: "truncated_completion"
        case .truncatedLast: "truncated_last"
        case .malformedItem: "malformed_item"
        case .wrongNumber: "wrong_number"
        case .rejected(let rejection): rejection.code
        }
    }

    /// Extra detail for the code, if any (keyword, word count, or "expected N, found M").
    public var detail: String? {
        switch self {
        case .wrongNumber(let expected, let found): "expected \(expected), found \(found)"
        case .rejected(let rejection): rejection.detail
        default: nil
        }
    }
}
