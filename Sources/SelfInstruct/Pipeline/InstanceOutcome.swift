/// How instance generation ended for an admitted instruction (invariant 4); the raw value is the stored
/// `instructions.instance_outcome`.
public enum InstanceOutcome: String, Sendable, Hashable, CaseIterable, Codable {
    /// At least one valid instance.
    case generated
    /// Instances were generated, and the filter kept none.
    case noInstances = "no_instances"
    case failed
}
