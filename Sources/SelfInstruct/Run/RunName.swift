/// The rule for run names: 1 to 64 characters of `A-Z a-z 0-9 . _ -`, the first a letter or digit
/// (`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`), so a name is safe in paths, URLs and shell commands as it is.
public enum RunName {
    public static let maximumLength = 64

    /// Why `name` is not a valid run name, in operator words; nil when it is one.
    public static func problem(with name: String) -> String? {
        let bytes = Array(name.utf8)
        guard let first = bytes.first else { return "a run name must not be empty" }
        let rule = "use 1 to \(maximumLength) characters of A-Z a-z 0-9 . _ -, starting with a letter or digit"
        guard bytes.count <= maximumLength else { return "run name '\(name)' is \(name.count) characters long; \(rule)" }
        guard isAlphanumeric(first) else { return "run name '\(name)' starts with '\(name.prefix(1))'; \(rule)" }
        if let bad = name.unicodeScalars.first(where: { !$0.isASCII || !isAllowed(UInt8($0.value)) }) {
            return "run name '\(name)' contains '\(bad.escaped(asASCII: false))'; \(rule)"
        }
        return nil
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}
