// The stages of the pipeline, named as their queues are (without the broker namespace) and as every `stage`
// column stores them.

/// A stage that owns a queue; its raw value is the queue name without the namespace (`filter.instructions`).
public enum PipelineStage: String, Sendable, Hashable, CaseIterable, Codable {
    case generate
    case filterInstructions = "filter.instructions"
    case filterInstances = "filter.instances"
    case classify
    case instances
    case shards

    /// The stage's queue in broker namespace `namespace` (`si.filter.instructions`); also the routing key that
    /// reaches it.
    public func queueName(namespace: String) -> String { "\(namespace).\(rawValue)" }

    /// True for the stages that call the teacher (and so spend money).
    public var callsTeacher: Bool {
        switch self {
        case .generate, .classify, .instances: true
        case .filterInstructions, .filterInstances, .shards: false
        }
    }
}
