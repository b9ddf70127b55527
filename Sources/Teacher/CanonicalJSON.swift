// A canonical JSON text for hashing requests: one byte sequence per value, whatever order fields were set in.

/// A JSON value with exactly one serialization: object keys sorted by their UTF-8 bytes, no whitespace,
/// integers without a fraction, other numbers in Swift's shortest round-trip form, strings with the
/// minimal escapes (`"`, `\`, control characters) and all other characters as raw UTF-8.
public indirect enum CanonicalJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([CanonicalJSON])
    case object([String: CanonicalJSON])

    /// The canonical text.
    public var text: String {
        var out = ""
        write(into: &out)
        return out
    }

    private func write(into out: inout String) {
        switch self {
        case .null:
            out += "null"
        case .bool(let value):
            out += value ? "true" : "false"
        case .integer(let value):
            out += String(value)
        case .number(let value):
            if !value.isFinite {
                out += "null"  // JSON has no NaN or infinity.
            } else if value == value.rounded(), abs(value) < 9.007_199_254_740_992e15 {
                out += String(Int64(value))  // 1.0 and 1 are the same number.
            } else {
                out += value.description
            }
        case .string(let value):
            Self.writeString(value, into: &out)
        case .array(let values):
            out += "["
            for (offset, value) in values.enumerated() {
                if offset > 0 { out += "," }
                value.write(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            // Byte order, not String's `<`: Swift compares canonically equivalent strings as equal.
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (offset, key) in keys.enumerated() {
                if offset > 0 { out += "," }
                Self.writeString(key, into: &out)
                out += ":"
                members[key]!.write(into: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ value: String, into out: inout String) {
        out += "\""
        var value = value
        value.withUTF8 { bytes in
            // Runs without anything to escape are copied whole; they end at ASCII bytes, so each run is valid UTF-8.
            var runStart = 0
            for offset in bytes.indices {
                let byte = bytes[offset]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < offset {
                    out += String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<offset]), as: UTF8.self)
                }
                switch byte {
                case UInt8(ascii: "\""): out += "\\\""
                case UInt8(ascii: "\\"): out += "\\\\"
                case UInt8(ascii: "\n"): out += "\\n"
                case UInt8(ascii: "\r"): out += "\\r"
                case UInt8(ascii: "\t"): out += "\\t"
                default:
                    let hex = String(byte, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
                runStart = offset + 1
            }
            if runStart < bytes.count {
                out += String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart...]), as: UTF8.self)
            }
        }
        out += "\""
    }
}
