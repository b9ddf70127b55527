// A canonical JSON text for hashing requests: one byte sequence per value, whatever order fields were set in.

import SelfInstruct

/// A JSON value with exactly one serialization: object keys sorted by their UTF-8 bytes, no whitespace,
/// integers without a fraction, other numbers in Swift's shortest round-trip form, strings with the
/// minimal escapes (`"`, `\`, control characters) and all other characters, U+2028 included, as raw UTF-8
/// (strings and key order come from the domain's `JSONWriter`).
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
            JSONWriter.appendQuoted(value, to: &out, escapingLineSeparators: false)
        case .array(let values):
            out += "["
            for (offset, value) in values.enumerated() {
                if offset > 0 { out += "," }
                value.write(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            let keys = JSONWriter.canonicalOrder(members.keys)
            for (offset, key) in keys.enumerated() {
                if offset > 0 { out += "," }
                JSONWriter.appendQuoted(key, to: &out, escapingLineSeparators: false)
                out += ":"
                members[key]!.write(into: &out)
            }
            out += "}"
        }
    }
}
