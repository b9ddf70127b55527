// A small strict JSON reader (RFC 8259) that reports where input went wrong, so that a bad line in a
// user's file becomes "file:line:column: expected …" instead of a generic decoding failure.

public enum JSONReader {
    /// Parses exactly one JSON value (surrounding whitespace allowed). The bytes must be valid UTF-8.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) -> JSONValue in
            var parser = Parser(bytes: buffer)
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.position == buffer.count else { throw parser.error("end of input") }
            return value
        }
    }

    /// Parses a top-level array and returns each element with the byte offset where it starts, so that a
    /// caller can report element positions as line numbers.
    public static func parseArrayElements(
        _ bytes: some Collection<UInt8>
    ) throws(JSONSyntaxError) -> [(offset: Int, value: JSONValue)] {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) -> [(offset: Int, value: JSONValue)] in
            var parser = Parser(bytes: buffer)
            parser.skipWhitespace()
            guard parser.peek() == UInt8(ascii: "[") else { throw parser.error("'[' starting a JSON array") }
            parser.position += 1
            var elements: [(offset: Int, value: JSONValue)] = []
            parser.skipWhitespace()
            if parser.peek() == UInt8(ascii: "]") {
                parser.position += 1
            } else {
                while true {
                    parser.skipWhitespace()
                    let start = parser.position
                    elements.append((start, try parser.parseValue(depth: 1)))
                    parser.skipWhitespace()
                    let c = parser.peek()
                    parser.position += 1
                    if c == UInt8(ascii: ",") { continue }
                    if c == UInt8(ascii: "]") { break }
                    parser.position -= 1
                    throw parser.error("',' or ']' after an array element")
                }
            }
            parser.skipWhitespace()
            guard parser.position == buffer.count else { throw parser.error("end of input after the array") }
            return elements
        }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        static let maxDepth = 512

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func error(_ expected: String) -> JSONSyntaxError { JSONSyntaxError(offset: position, expected: expected) }

        @inline(__always) func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            guard depth < Self.maxDepth else { throw error("nesting shallower than \(Self.maxDepth) levels") }
            guard let c = peek() else { throw error("a value") }
            switch c {
            case UInt8(ascii: "{"): return try parseObject(depth: depth)
            case UInt8(ascii: "["): return try parseArray(depth: depth)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default: throw error("a value (object, array, string, number, true, false or null)")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
            let text = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
            for byte in text {
                guard peek() == byte else { throw error("'\(literal)'") }
                position += 1
            }
        }

        mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            position += 1
            var members: [(key: String, value: JSONValue)] = []
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { position += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw error("a string key in an object") }
                let key = try parseString()
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { throw error("':' after an object key") }
                position += 1
                skipWhitespace()
                let value = try parseValue(depth: depth + 1)
                members.append((key, value))
                skipWhitespace()
                switch peek() {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "}"): position += 1; return .object(members)
                default: throw error("',' or '}' after an object member")
                }
            }
        }

        mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            position += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if peek() == UInt8(ascii: "]") { position += 1; return .array(elements) }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                switch peek() {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "]"): position += 1; return .array(elements)
                default: throw error("',' or ']' after an array element")
                }
            }
        }

        mutating func parseNumber() throws(JSONSyntaxError) -> String {
            let start = position
            if peek() == UInt8(ascii: "-") { position += 1 }
            guard let first = peek(), first >= 0x30, first <= 0x39 else { throw error("a digit") }
            position += 1
            if first != 0x30 { while let d = peek(), d >= 0x30, d <= 0x39 { position += 1 } }
            if peek() == UInt8(ascii: ".") {
                position += 1
                guard let d = peek(), d >= 0x30, d <= 0x39 else { throw error("a digit after '.'") }
                while let d = peek(), d >= 0x30, d <= 0x39 { position += 1 }
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                position += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
                guard let d = peek(), d >= 0x30, d <= 0x39 else { throw error("a digit in the exponent") }
                while let d = peek(), d >= 0x30, d <= 0x39 { position += 1 }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        }

        mutating func parseString() throws(JSONSyntaxError) -> String {
            position += 1
            let start = position
            // Fast path: no escapes.
            while position < bytes.count {
                let c = bytes[position]
                if c == UInt8(ascii: "\"") {
                    let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                    position += 1
                    return s
                }
                if c == UInt8(ascii: "\\") { break }
                if c < 0x20 { throw error("no raw control character inside a string (escape it)") }
                position += 1
            }
            var out = Array(bytes[start..<position])
            while true {
                guard position < bytes.count else { throw error("'\"' closing the string") }
                let c = bytes[position]
                if c == UInt8(ascii: "\"") { position += 1; break }
                if c < 0x20 { throw error("no raw control character inside a string (escape it)") }
                if c != UInt8(ascii: "\\") { out.append(c); position += 1; continue }
                position += 1
                guard let e = peek() else { throw error("an escape character") }
                position += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try parseHex4()
                    if (0xD800...0xDBFF).contains(code) {
                        // A high surrogate must be followed by an escaped low surrogate.
                        if peek() == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") {
                            position += 2
                            let low = try parseHex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw error("a low surrogate \\uDC00-\\uDFFF") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            throw error("a low surrogate escape after \\u\(String(code, radix: 16, uppercase: true))")
                        }
                    } else if (0xDC00...0xDFFF).contains(code) {
                        throw error("no unpaired low surrogate")
                    }
                    out.append(contentsOf: String(Character(Unicode.Scalar(code)!)).utf8)
                default:
                    position -= 1
                    throw error("a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let h = peek() else { throw error("four hex digits after \\u") }
                let digit: UInt32
                switch h {
                case 0x30...0x39: digit = UInt32(h - 0x30)
                case 0x41...0x46: digit = UInt32(h - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(h - 0x61 + 10)
                default: throw error("four hex digits after \\u")
                }
                value = value << 4 | digit
                position += 1
            }
            return value
        }
    }
}
