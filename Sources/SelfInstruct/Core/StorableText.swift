/// Text as PostgreSQL can store it. A `text` value cannot hold U+0000, and models do emit it (a JSON `\u0000` in
/// a completion): kept, it would fail every write of its item, so the item would be retried, dead-lettered and
/// fail again on replay. Removed where model output enters the system; other control characters are storable,
/// and the hygiene pass deals with them in training records.
public enum StorableText {
    /// `text` without its NUL characters (the same string when it has none).
    public static func removingNUL(_ text: String) -> String {
        guard text.utf8.contains(0) else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.lazy.filter { $0.value != 0 })
        return String(scalars)
    }
}
