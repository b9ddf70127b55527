/// What became of one imported record.
public enum ImportedInstanceStatus: Sendable, Hashable {
    /// Exported with its instruction; `fixes` are the hygiene normalisations applied to it.
    case valid(fixes: [HygieneReason])
    /// Hygiene removed it (stored as it was read).
    case removed(HygieneReason)
    /// Same instruction, input and output as an earlier record.
    case duplicate
    /// Its instruction was not admitted, so it is not part of the data set.
    case instructionRejected

    /// The stored `instances.reject_reason`; nil for a valid instance.
    public var rejectReason: String? {
        switch self {
        case .valid: nil
        case .removed(let reason): reason.rawValue
        case .duplicate: InstanceDropReason.duplicate.code
        case .instructionRejected: Self.instructionRejectedCode
        }
    }

    /// The reject reason of a record whose instruction the novelty filter rejected.
    public static let instructionRejectedCode = "instruction_rejected"

    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }

    public var fixes: [HygieneReason] {
        if case .valid(let fixes) = self { return fixes }
        return []
    }
}
