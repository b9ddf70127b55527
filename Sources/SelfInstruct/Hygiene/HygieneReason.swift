/// A defect class of released instruction data (the Alpaca list kept by the alpaca-cleaned project), found by
/// `RecordHygiene`. The raw value is a stable code for SQL and reports; never rename one.
///
/// Declaration order is the documented order: `RecordHygiene` reports the first removing reason in this order,
/// and lists the normalising ones it applied in this order.
public enum HygieneReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// The output is empty after trimming.
    case emptyOutput = "hygiene_empty_output"
    /// The whole output says there is no output ("N/A", "<nooutput>", "Not applicable", …).
    case notApplicableOutput = "hygiene_na_output"
    /// The whole input was a "no input" marker ("<noinput>", "No input", "N/A", …); it became empty.
    case noInputMarker = "hygiene_noinput_marker"
    /// The output or input carries the next generated item ("##\n18. Instruction: …").
    case mergedItem = "hygiene_merged_item"
    /// The task needs something the model cannot see: a URL, an attached or shown picture, video, chart, ….
    case unseenReference = "hygiene_unseen_reference"
    /// The task asks for an image (draw, paint, design a logo, …), which a text model cannot deliver.
    case imageGeneration = "hygiene_image_generation"
    /// Control characters, U+FFFD, zero-width spaces or trailing escape debris were removed; CR LF became LF.
    case controlCharacters = "hygiene_control_characters"

    /// True when the record is removed for this reason, false when it is normalised and kept.
    public var removes: Bool {
        switch self {
        case .noInputMarker, .controlCharacters: false
        case .emptyOutput, .notApplicableOutput, .mergedItem, .unseenReference, .imageGeneration: true
        }
    }

    /// The stable reason code.
    public var code: String { rawValue }
}
