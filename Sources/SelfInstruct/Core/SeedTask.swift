/// A human-written seed task. Self-Instruct files carry `id`, `name`, `instances` and `is_classification`;
/// Alpaca-style files carry `instruction`, `input`, `output`, which load as one instance.
public struct SeedTask: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var instruction: String
    public var instances: [TaskInstance]
    /// `nil` when the seed file does not say (Alpaca-style seeds).
    public var isClassification: Bool?

    public init(id: String, name: String? = nil, instruction: String, instances: [TaskInstance], isClassification: Bool? = nil) {
        self.id = id
        self.name = name
        self.instruction = instruction
        self.instances = instances
        self.isClassification = isClassification
    }
}
