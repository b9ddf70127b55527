/// The rule for run names, checked when a run is created or a data set imported. A name names the run's shard
/// directory and appears in commands and SQL, so it is kept to characters every file system and shell takes as
/// they are: 1 to 64 of `A-Z a-z 0-9 . _ -`, starting with a letter or digit.
public enum RunName {
    public static let maximumLength = 64

    /// The rule in operator words, for help texts and errors.
    public static let rule = "1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-', starting with a letter or digit"

    /// Why `name` is not a valid run name, or nil when it is.
    public static func problem(_ name: String) -> String? {
        guard let first = name.unicodeScalars.first else { return "must not be empty" }
        if name.unicodeScalars.count > maximumLength {
            return "is \(name.unicodeScalars.count) characters long; at most \(maximumLength) are allowed"
        }
        if !isLetterOrDigit(first) { return "must start with a letter or digit (got '\(first)')" }
        if let bad = name.unicodeScalars.first(where: { !isLetterOrDigit($0) && !"._-".unicodeScalars.contains($0) }) {
            let shown = bad.properties.generalCategory == .control || bad == " " ? "U+" + String(bad.value, radix: 16, uppercase: true) : String(bad)
            return "has '\(shown)'; use only \(rule)"
        }
        return nil
    }

    private static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
