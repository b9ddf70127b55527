import FoundationEssentials

// A batch's input file is checked when the batch is created, as OpenAI does: the upload accepts any bytes,
// and a batch over a bad file goes validating → failed with one error per bad line.

/// The requests of a batch input file (JSON Lines), or the problems that make the batch fail.
struct BatchInputFile: Sendable {
    /// One request line: its custom_id and its `body` exactly as written in the file, so that the answer is
    /// the one the online endpoint gives for the same bytes.
    struct Request: Sendable {
        var customID: String
        var body: [UInt8]
    }

    /// One entry of a failed batch's `errors.data`.
    struct Problem: Error, Sendable {
        var code: String
        var message: String
        var param: String?
        /// 1-based line of the input file, nil for a problem with the whole file.
        var line: Int?

        var object: JSONValue {
            .object([
                ("code", .string(code)),
                ("message", .string(message)),
                ("param", param.map(JSONValue.string) ?? .null),
                ("line", line.map(JSONValue.int) ?? .null),
            ])
        }
    }

    /// The endpoints a batch may target (and each line's `url` must name).
    static let endpoints = ["/v1/completions", "/v1/chat/completions"]
    /// A failed batch reports at most this many problems, so a wholly wrong file gives a bounded answer.
    static let problemLimit = 100

    private(set) var requests: [Request] = []
    private(set) var problems: [Problem] = []

    /// Reads `bytes` as the input of a batch for `endpoint`. Blank lines are skipped; a CR before LF is dropped.
    init(bytes: [UInt8], endpoint: String) {
        var seen: Set<String> = []
        var lineNumber = 0
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard problems.count < Self.problemLimit else { break }
            let line = rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            switch Self.request(in: Array(line), endpoint: endpoint) {
            case .success(let request):
                if seen.insert(request.customID).inserted {
                    requests.append(request)
                } else {
                    problems.append(Problem(
                        code: "duplicate_custom_id",
                        message: "The custom_id for this request is a duplicate of another request. The custom_id parameter must be unique for each request in a batch.",
                        param: "custom_id", line: lineNumber))
                }
            case .failure(let problem):
                var problem = problem
                problem.line = lineNumber
                problems.append(problem)
            }
        }
        if requests.isEmpty, problems.isEmpty {
            problems.append(Problem(code: "empty_file", message: "The input file has no requests.", param: nil, line: nil))
        }
        if !problems.isEmpty { requests = [] }
    }

    private static func request(in line: [UInt8], endpoint: String) -> Result<Request, Problem> {
        func problem(_ code: String, _ message: String, _ param: String?) -> Result<Request, Problem> {
            .failure(Problem(code: code, message: message, param: param, line: nil))
        }
        guard let members = try? JSONDecoder().decode([String: MemberKind].self, from: Data(line)) else {
            return problem("invalid_json_line", "This line is not parseable as valid JSON.", nil)
        }
        guard case .string(let customID)? = members["custom_id"], !customID.isEmpty else {
            return problem("missing_required_parameter", "Missing required parameter: 'custom_id' (a non-empty string).", "custom_id")
        }
        guard case .string("POST")? = members["method"] else {
            return problem("invalid_method", "The method for this request must be 'POST'.", "method")
        }
        guard case .string(let url)? = members["url"] else {
            return problem("missing_required_parameter", "Missing required parameter: 'url'.", "url")
        }
        guard endpoints.contains(url) else {
            return problem("invalid_url", "The URL '\(url)' is not supported; use /v1/completions or /v1/chat/completions.", "url")
        }
        guard url == endpoint else {
            return problem("mismatched_endpoint", "The URL provided for this request does not match the batch endpoint \(endpoint).", "url")
        }
        guard case .object? = members["body"], let body = rawValue(ofMember: "body", in: line) else {
            return problem("missing_required_parameter", "Missing required parameter: 'body' (a JSON object).", "body")
        }
        return .success(Request(customID: customID, body: Array(body)))
    }

    /// What the checks need to know of a member's value.
    private enum MemberKind: Decodable {
        case string(String)
        case object
        case other

        private struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                self = .string(text)
            } else if (try? decoder.container(keyedBy: AnyKey.self)) != nil {
                self = .object
            } else {
                self = .other
            }
        }
    }

    /// The bytes of member `name`'s value in `json`, a valid JSON object (the last such member if repeated).
    static func rawValue(ofMember name: String, in json: [UInt8]) -> ArraySlice<UInt8>? {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var index = 0
        var found: Range<Int>?

        func skipWhitespace() {
            while index < json.count, [0x20, 0x09, 0x0A, 0x0D].contains(json[index]) { index += 1 }
        }
        // From an opening quote to just past its closing quote.
        func skipString() {
            index += 1
            while index < json.count, json[index] != quote {
                index += json[index] == backslash ? 2 : 1
            }
            index += 1
        }
        func skipValue() {
            guard index < json.count else { return }
            switch json[index] {
            case quote:
                skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while index < json.count {
                    switch json[index] {
                    case quote:
                        skipString()
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                    default: break
                    }
                    index += 1
                    if depth == 0 { return }
                }
            default:
                while index < json.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(json[index]) {
                    index += 1
                }
            }
        }

        skipWhitespace()
        guard index < json.count, json[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        while true {
            skipWhitespace()
            guard index < json.count, json[index] == quote else { break }
            let keyStart = index
            skipString()
            let keyBytes = json[keyStart..<min(index, json.count)]
            // Keys are compared decoded, so an escaped spelling of "body" still counts.
            let key = keyBytes.contains(backslash)
                ? (try? JSONDecoder().decode(String.self, from: Data(keyBytes))) ?? ""
                : String(decoding: keyBytes.dropFirst().dropLast(), as: UTF8.self)
            skipWhitespace()
            guard index < json.count, json[index] == UInt8(ascii: ":") else { break }
            index += 1
            skipWhitespace()
            let valueStart = index
            skipValue()
            if key == name { found = valueStart..<min(index, json.count) }
            skipWhitespace()
            guard index < json.count, json[index] == UInt8(ascii: ",") else { break }
            index += 1
        }
        return found.map { json[$0] }
    }
}
