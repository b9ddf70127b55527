/// An operator-facing failure: printed as one line on stderr, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
}
