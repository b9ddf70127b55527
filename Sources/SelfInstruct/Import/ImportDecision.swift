/// The admission decision on an imported instruction, as the instruction filter stage records one.
public enum ImportDecision: Sendable, Hashable {
    /// Admitted with this sequence number (1, 2, 3, … in file order).
    case admitted(sequence: Int64)
    /// `nearest` is the text of the first pool member with the highest ROUGE-L F, `score` that F.
    case rejected(AdmissionRejection, nearest: String?, score: Double?)
}
