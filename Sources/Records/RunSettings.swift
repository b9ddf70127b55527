// The settings of `runs.config` the stages read, with their defaults.

import SelfInstruct

/// Settings from a run file that the stages read (`runs.config`); unknown keys are left for other readers.
public struct RunSettings: Sendable, Hashable {
    /// Share of instructions (not instances) that go to the validation split.
    public var validationFraction: Double = 0.05
    /// Most records per shard file.
    public var shardSize: Int = 10_000
    /// Whether the instance filter runs the hygiene pass (`RecordHygiene`) on kept instances (`hygiene`).
    public var hygiene: Bool = true

    public init() {}

    /// Reads the known keys of a `runs.config` object.
    public init(json text: String) throws(RecordError) {
        let value: JSONValue
        do {
            value = try JSONReader.parse(Array(text.utf8))
        } catch {
            throw RecordError(kind: "invalid_run_config", message: "runs.config is not JSON: \(error)")
        }
        guard case .object = value else {
            throw RecordError(kind: "invalid_run_config", message: "runs.config is not a JSON object")
        }
        if case .number(let number)? = value["validation_fraction"] {
            guard let fraction = Double(number), fraction >= 0, fraction < 1 else {
                throw RecordError(kind: "invalid_run_config", message: "validation_fraction must be in [0, 1)")
            }
            validationFraction = fraction
        }
        if case .number(let number)? = value["shard_size"] {
            guard let size = Int(number), size > 0 else {
                throw RecordError(kind: "invalid_run_config", message: "shard_size must be a positive integer")
            }
            shardSize = size
        }
        if let member = value["hygiene"] {
            guard case .bool(let on) = member else {
                throw RecordError(kind: "invalid_run_config", message: "hygiene must be true or false")
            }
            hygiene = on
        }
    }
}
