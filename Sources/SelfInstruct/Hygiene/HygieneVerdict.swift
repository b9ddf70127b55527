/// What `RecordHygiene` decided for one record.
public enum HygieneVerdict: Sendable, Hashable {
    /// Keep the record with these (possibly normalised) fields; `fixes` are the normalising reasons applied, in
    /// `HygieneReason` declaration order, empty when the record is unchanged.
    case keep(instruction: String, input: String, output: String, fixes: [HygieneReason])
    /// Remove the record; the first removing reason in `HygieneReason` declaration order.
    case remove(HygieneReason)
}
