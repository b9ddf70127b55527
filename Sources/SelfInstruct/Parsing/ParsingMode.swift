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
