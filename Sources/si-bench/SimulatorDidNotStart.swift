/// The in-process simulator stopped before it said where it listens.
struct SimulatorDidNotStart: Error, CustomStringConvertible {
    var description: String { "the in-process simulator stopped before it reported its port" }
}
