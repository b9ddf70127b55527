// Which few-shot examples go into one prompt. Sampling returns indices, not texts, so a distributed
// generator can fetch just the chosen machine instructions from the database (spec §1.1 steps 1–3, §2.2).

/// One example slot of a Self-Instruct instruction prompt: a seed task or an accepted machine instruction.
public enum ExampleRef: Sendable, Hashable, Codable {
    /// Position in the seed list the run was started with.
    case seed(Int)
    /// Position in the machine pool, in acceptance order.
    case machine(Int)

    /// The instruction text this slot refers to, looked up by the caller's accessors.
    public func resolve(seed: (Int) throws -> String, machine: (Int) throws -> String) rethrows -> String {
        switch self {
        case .seed(let index): try seed(index)
        case .machine(let index): try machine(index)
        }
    }
}
