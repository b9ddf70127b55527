/// How far `ImportPlan.make` got, for progress lines on long files.
public enum ImportProgress: Sendable, Hashable {
    /// Records through hygiene and grouping.
    case records(done: Int, total: Int)
    /// Distinct instructions through the novelty filter.
    case instructions(done: Int, total: Int)
}
