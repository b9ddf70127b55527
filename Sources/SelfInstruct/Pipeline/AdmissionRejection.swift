// Reason codes of the instruction filter's admission decisions, shared by the stage that writes them and the
// audit that reads them back (they also appear in the si_rejections view).

/// Why admission rejected a candidate; the raw value is the stored `reject_reason`.
public enum AdmissionRejection: String, Sendable, Hashable, CaseIterable, Codable {
    /// ROUGE-L F against some pool member above the run's threshold.
    case tooSimilar = "rouge_too_similar"
    /// The same text was admitted before (ROUGE cannot see it when the text has no tokens).
    case duplicateText = "duplicate_text"
    /// The run had its target when this candidate's turn came.
    case targetReached = "target_reached"
    /// `sictl import`: hygiene removed every record of the instruction, so it never reached the novelty filter.
    case hygieneRemovedAll = "hygiene_removed_all"

    /// The stable reason code.
    public var code: String { rawValue }
}
