/// A model list body that could not be read.
public struct ModelListError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
}
