/// The one JSON text writer: string literals and canonical key order. Every JSON document the package writes by
/// hand (export lines, shard manifests, stage messages, canonical request keys, simulator responses) quotes its
/// strings here.
public enum JSONWriter {
    /// `s` as a JSON string literal: UTF-8 kept as is; `"`, `\`, control characters, and U+2028/U+2029 (which
    /// JavaScript source cannot hold raw) escaped.
    public static func quoted(_ s: String) -> String {
        quoted(s, escapingLineSeparators: true)
    }

    /// `value` as compact JSON text; numbers keep the text they were read with, objects their member order.
    public static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let text): text
        case .string(let string): quoted(string)
        case .array(let items): "[" + items.map(text).joined(separator: ",") + "]"
        case .object(let members): "{" + members.map { quoted($0.key) + ":" + text($0.value) }.joined(separator: ",") + "}"
        }
    }

    /// `s` as a JSON string literal; with `escapingLineSeparators` false only what RFC 8259 requires is escaped
    /// (`"`, `\`, control characters), the minimal form canonical texts use.
    public static func quoted(_ s: String, escapingLineSeparators: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count + 2)
        appendQuoted(s, to: &out, escapingLineSeparators: escapingLineSeparators)
        return out
    }

    /// Appends `s` as a JSON string literal to `out` (see `quoted(_:escapingLineSeparators:)`). `\n`, `\r` and
    /// `\t` get their short escapes, other control characters `\u00xx` in lower-case hex.
    public static func appendQuoted(_ s: String, to out: inout String, escapingLineSeparators: Bool = true) {
        out += "\""
        var s = s
        s.withUTF8 { bytes in
            // Runs without anything to escape are copied whole; each ends before an ASCII byte or before the first
            // byte of U+2028/U+2029, so each run is valid UTF-8.
            var runStart = 0
            var offset = 0
            while offset < bytes.count {
                let byte = bytes[offset]
                let escape: String
                var width = 1
                switch byte {
                case UInt8(ascii: "\""): escape = "\\\""
                case UInt8(ascii: "\\"): escape = "\\\\"
                case UInt8(ascii: "\n"): escape = "\\n"
                case UInt8(ascii: "\r"): escape = "\\r"
                case UInt8(ascii: "\t"): escape = "\\t"
                case 0..<0x20: escape = hexEscape(UInt32(byte))
                case 0xE2 where escapingLineSeparators && offset + 2 < bytes.count && bytes[offset + 1] == 0x80
                    && (bytes[offset + 2] == 0xA8 || bytes[offset + 2] == 0xA9):
                    escape = hexEscape(0x2000 | UInt32(bytes[offset + 2] - 0x80))
                    width = 3
                default:
                    offset += 1
                    continue
                }
                if runStart < offset {
                    out += String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<offset]), as: UTF8.self)
                }
                out += escape
                offset += width
                runStart = offset
            }
            if runStart < bytes.count {
                out += String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart...]), as: UTF8.self)
            }
        }
        out += "\""
    }

    /// Object keys in canonical order: by their UTF-8 bytes (not String's `<`, under which canonically
    /// equivalent spellings compare equal), so a key order never depends on normalization or locale.
    public static func canonicalOrder(_ keys: some Sequence<String>) -> [String] {
        keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private static func hexEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
