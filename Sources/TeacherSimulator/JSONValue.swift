import SelfInstruct

/// One value of a response document.
indirect enum JSONValue: Sendable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    /// Text that is already JSON (an answer kept as its engine wrote it), written as is.
    case raw(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    var serialized: String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .string(let value): JSONWriter.appendQuoted(value, to: &out, escapingLineSeparators: false)
        case .int(let value): out += String(value)
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        case .raw(let json): out += json
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                JSONWriter.appendQuoted(member.0, to: &out, escapingLineSeparators: false)
                out += ":"
                member.1.write(into: &out)
            }
            out += "}"
        }
    }
}
