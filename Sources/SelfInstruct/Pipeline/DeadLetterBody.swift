// A dead letter's body as PostgreSQL `text` can always hold it. A body with a NUL byte or invalid UTF-8 was
// refused by the insert, so the message went back to its queue at once and came straight back (15,872
// deliveries in 40 s): such a body is stored as base64 instead, and any body is capped.

/// How a dead letter's body and key are stored.
public enum DeadLetterBody {
    /// Bytes of a body kept; the rest is cut (and said so).
    public static let maximumBytes = 1 << 20

    /// The stored text of `body`: the UTF-8 text itself when it is valid and has no NUL, else base64 of the
    /// bytes; at most `maximumBytes` of the body either way.
    public static func stored(_ body: [UInt8]) -> (text: String, encoding: String, truncated: Bool) {
        let truncated = body.count > maximumBytes
        var kept = truncated ? Array(body.prefix(maximumBytes)) : body
        if let text = plainText(kept) { return (text, "utf8", truncated) }
        // A cut through a multi-byte character is the only invalid UTF-8 the cap itself makes.
        if truncated {
            while let last = kept.last, last & 0xC0 == 0x80 { kept.removeLast() }
            if let last = kept.last, last >= 0xC0 { kept.removeLast() }
            if let text = plainText(kept) { return (text, "utf8", truncated) }
        }
        return (base64(truncated ? Array(body.prefix(maximumBytes)) : body), "base64", truncated)
    }

    /// The dead-letter key of a message: its id when that is a plain, short text; otherwise (no id, a NUL, a
    /// control character, invalid UTF-8, over 200 bytes) `unsafe-id/` and the SHA-256 of the id and body, so
    /// two different messages never share a row and the same message always finds its own.
    public static func key(messageID: [UInt8]?, body: [UInt8]) -> String {
        if let messageID, messageID.count <= 200, let text = plainText(messageID), !text.isEmpty,
           !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return text
        }
        var hasher = SHA256()
        // 0xFE and 0xFF never occur in UTF-8: "no id" and "this id" hash apart, and the id ends where 0xFF is.
        hasher.update(messageID.map { [0xFD] + $0 } ?? [0xFE])
        hasher.update([0xFF])
        hasher.update(body)
        return "unsafe-id/" + SHA256.hex(hasher.finalize())
    }

    /// `text` with every NUL written as the six characters `\u0000`, so an error message quoting a body can be
    /// stored too.
    public static func storableText(_ text: String) -> String {
        text.unicodeScalars.contains("\u{0}") ? text.replacing("\u{0}", with: "\\u0000") : text
    }

    private static func plainText(_ bytes: [UInt8]) -> String? {
        guard !bytes.contains(0) else { return nil }
        let valid = bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalidOffset($0) == nil }
        return valid ? String(decoding: bytes, as: UTF8.self) : nil
    }

    private static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for position in 0..<4 {
                out.append(position <= chunk.count ? alphabet[Int(value >> (18 - 6 * UInt32(position)) & 0x3F)] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
