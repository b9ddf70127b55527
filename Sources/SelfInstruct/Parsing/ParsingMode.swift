/// How closely a parser follows the reference pipelines.
///
/// `.robust` is the default. It differs from `.referenceExact` only where the reference silently loses
/// a well-formed item or silently misreads an answer; every item the reference keeps is kept by `.robust`
/// with the same text. The differences, all of them:
///
/// | Situation | `.referenceExact` (reference behaviour) | `.robust` |
/// |---|---|---|
/// | Self-Instruct instruction completion with `finish_reason` = `length` | the whole completion is discarded: every item is dropped as `truncated_completion` | every item except the last (possibly cut) one goes through the filters; the last is dropped as `truncated_last` |
/// | Alpaca item whose number differs from its position (a skipped or repeated number, or a `###` inside an output that shifts every later piece) | dropped (`wrong_number`), and so is every later item, since the expected number is tied to the position | kept when the piece holds exactly three labels `Instruction`, `Input`, `Output`, in that order, all with the same number (any digits) |
/// | Classification answer other than trimmed `Yes`/`yes`/`YES` | "not classification", including a failed call's empty text and answers such as "Yes." | `yes` or `no` in any ASCII letter case, optionally followed by ASCII punctuation, is read as such; anything else is `.unparseable`, never silently "no" |
///
/// Behaviour kept in both modes (quirks, not losses): the Alpaca expected-number match is not anchored
/// ("14. Input:" matches for item 4) and assigns fields by position whatever the labels say; Alpaca fields
/// are trimmed, not whitespace-normalised; Self-Instruct items split only at a newline, digits, an optional
/// whitespace, a dot and a space. Instance parsing (§1.4) has no mode: the reference loses no well-formed
/// instance there except by its deliberate filters.
public enum ParsingMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// Bit-for-bit the reference behaviour, quirks included.
    case referenceExact = "reference-exact"
    /// The reference behaviour, except where it silently drops well-formed items (see the table).
    case robust
}

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

/// One item of a completion that did not become a candidate.
public struct DroppedItem: Sendable, Hashable {
    /// 0-based position of the item's piece in the completion.
    public var position: Int
    /// The item text as far as it was parsed (the instruction when known, else the raw piece).
    public var text: String
    /// Why it was dropped.
    public var reason: ItemDropReason

    /// A drop record for the piece at `position`.
    public init(position: Int, text: String, reason: ItemDropReason) {
        self.position = position
        self.text = text
        self.reason = reason
    }
}
