/// A hashable key that compares strings code point by code point, for Python-style sets and dicts.
struct ScalarKey: Hashable {
    let values: [UInt32]

    init(_ text: String) {
        values = text.unicodeScalars.map(\.value)
    }
}
