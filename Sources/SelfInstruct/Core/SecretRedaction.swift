// Hiding passwords in connection strings before they reach an error message or a log line. Over-redaction
// is acceptable; leaking is not, so every ambiguous case redacts more.

public enum SecretRedaction {
    /// `scheme://user:secret@host/…?password=secret` and libpq `key=value` strings with the secrets replaced
    /// by `***`. Handles passwords containing `/ ? # @ :` (the last `@` ends the user info), `password=`
    /// query parameters, and conninfo `password = 'quoted value'` with spaces and escapes.
    public static func redactingPasswords(in text: String) -> String {
        redactingKeywordPasswords(in: redactingUserInfo(in: text))
    }

    private static func redactingUserInfo(in text: String) -> String {
        guard let schemeEnd = text.firstRange(of: "://") else { return text }
        let rest = text[schemeEnd.upperBound...]
        guard let at = rest.lastIndex(of: "@") else { return text }
        let userInfo = rest[rest.startIndex..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return text }
        return String(text[...colon]) + "***" + String(text[at...])
    }

    private static func redactingKeywordPasswords(in text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        let keyword = Array("password".unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let atWordStart = i == 0 || !(scalars[i - 1].properties.isAlphabetic || scalars[i - 1] == "_")
            if atWordStart, i + keyword.count <= scalars.count,
               zip(scalars[i..<i + keyword.count], keyword).allSatisfy({ $0.0.properties.lowercaseMapping == String($0.1) }) {
                var j = i + keyword.count
                while j < scalars.count, scalars[j] == " " || scalars[j] == "\t" { j += 1 }
                if j < scalars.count, scalars[j] == "=" {
                    j += 1
                    while j < scalars.count, scalars[j] == " " || scalars[j] == "\t" { j += 1 }
                    out.append(contentsOf: scalars[i..<j])
                    out.append(contentsOf: "***".unicodeScalars)
                    i = endOfValue(scalars, from: j)
                    continue
                }
            }
            out.append(scalars[i])
            i += 1
        }
        return String(out)
    }

    /// Where a conninfo or query value starting at `start` ends: a quoted value at its closing quote
    /// (backslash escapes honoured), otherwise at whitespace, `&` or `#`.
    private static func endOfValue(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var j = start
        if j < scalars.count, scalars[j] == "'" {
            j += 1
            while j < scalars.count {
                if scalars[j] == "\\" { j += 2; continue }
                if scalars[j] == "'" { return j + 1 }
                j += 1
            }
            return scalars.count
        }
        while j < scalars.count, !(scalars[j] == " " || scalars[j] == "\t" || scalars[j] == "&" || scalars[j] == "#") { j += 1 }
        return j
    }
}
