/// One record of an imported file as it is stored: an instance of its instruction.
public struct ImportedInstance: Sendable, Hashable {
    /// The line the record starts on.
    public var line: Int
    /// After hygiene's normalisations when it was kept; as read when it was removed.
    public var input: String
    public var output: String
    public var status: ImportedInstanceStatus
}
