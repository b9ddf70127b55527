/// One distinct instruction of an imported file with every record that carries it, in file order.
public struct ImportedInstruction: Sendable, Hashable {
    /// 0-based, in order of first appearance in the file.
    public var position: Int
    public var text: String
    /// The line of its first record.
    public var line: Int
    public var decision: ImportDecision
    public var instances: [ImportedInstance]

    /// The stored instance outcome of an admitted instruction: `generated` with at least one valid instance.
    public var instanceOutcome: InstanceOutcome? {
        guard case .admitted = decision else { return nil }
        return instances.contains { $0.status.isValid } ? .generated : .noInstances
    }
}
