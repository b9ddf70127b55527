// Reason codes of the instruction filter's admission decisions, shared by the stage that writes them and the
// audit that reads them back (they also appear in the si_rejections view).

public enum AdmissionRejection {
    /// ROUGE-L F against some pool member above the run's threshold.
    public static let tooSimilar = "rouge_too_similar"
    /// The same text was admitted before (ROUGE cannot see it when the text has no tokens).
    public static let duplicateText = "duplicate_text"
    /// The run had its target when this candidate's turn came.
    public static let targetReached = "target_reached"
}
