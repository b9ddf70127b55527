// TEMPORARY stub of h-hygiene's API; reverted before the merge.

/// What hygiene decided on one record.
public enum HygieneVerdict: Sendable, Hashable {
    case keep(instruction: String, input: String, output: String, fixes: [HygieneReason])
    case remove(HygieneReason)
}
