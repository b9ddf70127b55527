/// A configuration string that could not be read; the message names the part and the expected form.
public struct SimulatorSpecError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
