// `POST /v1/files` arrives as multipart/form-data (RFC 7578); the simulator reads only what OpenAI's upload
// sends: text fields and one file, each part with a Content-Disposition header, lines ending in CRLF.

/// The parts of a multipart/form-data body.
struct MultipartFormData: Sendable {
    /// One field or file of the form.
    struct Part: Sendable {
        var name: String
        var filename: String?
        var content: [UInt8]
    }

    /// Why a body could not be read as multipart/form-data.
    struct FormatError: Error, Sendable {
        let message: String
    }

    var parts: [Part]

    /// The first part called `name`.
    func part(named name: String) -> Part? { parts.first { $0.name == name } }

    /// The boundary of a `multipart/form-data; boundary=…` Content-Type, or nil for any other type.
    static func boundary(ofContentType contentType: String) -> String? {
        let (value, parameters) = headerValue(contentType)
        guard value.lowercased() == "multipart/form-data", let boundary = parameters["boundary"], !boundary.isEmpty else { return nil }
        return boundary
    }

    init(body: [UInt8], boundary: String) throws(FormatError) {
        let delimiter = Array("--\(boundary)".utf8)
        // Parts are separated by CRLF + delimiter; the first delimiter may start the body.
        let separator = Array("\r\n".utf8) + delimiter
        guard var cursor = Self.find(delimiter, in: body, from: 0) else {
            throw FormatError(message: "no multipart boundary '\(boundary)' in the body")
        }
        cursor += delimiter.count
        var parts: [Part] = []
        while true {
            if body[cursor...].starts(with: "--".utf8) { break }  // the closing delimiter
            // Transport padding, then the CRLF that ends the delimiter line.
            while cursor < body.count, body[cursor] == UInt8(ascii: " ") || body[cursor] == UInt8(ascii: "\t") { cursor += 1 }
            guard body[cursor...].starts(with: "\r\n".utf8) else { throw FormatError(message: "malformed multipart delimiter line") }
            cursor += 2
            guard let headersEnd = Self.find(Array("\r\n\r\n".utf8), in: body, from: cursor) else {
                throw FormatError(message: "multipart part without a blank line after its headers")
            }
            let headerText = String(decoding: body[cursor..<headersEnd], as: UTF8.self)
            let contentStart = headersEnd + 4
            guard let contentEnd = Self.find(separator, in: body, from: contentStart) else {
                throw FormatError(message: "multipart body without its closing boundary")
            }
            var name: String?
            var filename: String?
            for line in headerText.split(separator: "\r\n") {
                let nameValue = line.split(separator: ":", maxSplits: 1)
                guard nameValue.count == 2, nameValue[0].lowercased() == "content-disposition" else { continue }
                let (disposition, parameters) = Self.headerValue(String(nameValue[1]))
                guard disposition.lowercased() == "form-data" else { continue }
                name = parameters["name"]
                filename = parameters["filename"]
            }
            guard let name else { throw FormatError(message: "multipart part without Content-Disposition: form-data; name=…") }
            parts.append(Part(name: name, filename: filename, content: Array(body[contentStart..<contentEnd])))
            cursor = contentEnd + separator.count
        }
        self.parts = parts
    }

    /// A header value split into its main value and its `;`-separated parameters (names lowercased, quoted
    /// values unquoted with backslash escapes undone).
    static func headerValue(_ header: String) -> (value: String, parameters: [String: String]) {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in header {
            if escaped {
                current.append(character)
                escaped = false
            } else if quoted, character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";", !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            let nameValue = piece.split(separator: "=", maxSplits: 1)
            guard nameValue.count == 2 else { continue }
            parameters[nameValue[0].trimmingWhitespace().lowercased()] = nameValue[1].trimmingWhitespace()
        }
        return (pieces[0].trimmingWhitespace(), parameters)
    }

    /// The first index at or after `start` where `needle` occurs in `haystack`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, start >= 0, haystack.count - needle.count >= start else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
