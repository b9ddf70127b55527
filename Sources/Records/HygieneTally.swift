public import SelfInstruct

/// How often one hygiene reason applied to a run's instances, with the first few instances it applied to.
public struct HygieneTally: Sendable, Hashable {
    /// One instance the reason applied to, as stored (normalised when the reason normalises).
    public struct Example: Sendable, Hashable {
        public var instanceID: Int64
        public var instruction: String
        public var input: String
        public var output: String

        public init(instanceID: Int64, instruction: String, input: String, output: String) {
            self.instanceID = instanceID
            self.instruction = instruction
            self.input = input
            self.output = output
        }
    }

    public var reason: HygieneReason
    /// Instances removed (`reason.removes`) or normalised for this reason.
    public var count: Int
    public var examples: [Example]

    public init(reason: HygieneReason, count: Int, examples: [Example]) {
        self.reason = reason
        self.count = count
        self.examples = examples
    }
}
