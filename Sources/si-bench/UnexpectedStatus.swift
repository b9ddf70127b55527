struct UnexpectedStatus: Error, CustomStringConvertible {
    var status: Int
    var description: String { "unexpected HTTP status \(status)" }
}
