// TEMPORARY stub of h-hygiene's API so that the import compiles before that branch lands; reverted before the merge.

/// Why hygiene removed or normalised a record.
public enum HygieneReason: String, Sendable, Hashable, CaseIterable, Codable {
    case emptyOutput = "hygiene_empty_output", notApplicableOutput = "hygiene_na_output", noInputMarker = "hygiene_noinput_marker",
         mergedItem = "hygiene_merged_item", unseenReference = "hygiene_unseen_reference",
         imageGeneration = "hygiene_image_generation", controlCharacters = "hygiene_control_characters"

    /// True when the reason removes the record (false: the record is kept, normalised).
    public var removes: Bool {
        switch self {
        case .noInputMarker, .controlCharacters: false
        default: true
        }
    }
}
