/// Where an imported run's data came from, kept in `runs.config`: the file as given, its SHA-256 (what makes a
/// second import of the same file under the same name a no-op), its format and whether hygiene ran.
public struct ImportProvenance: Sendable, Hashable {
    public var path: String
    /// Lower-case hex SHA-256 of the file's bytes.
    public var sha256: String
    public var format: ImportFormat
    public var hygiene: Bool
    /// Records read from the file.
    public var records: Int
    /// The language its novelty filter tokenized in (kept so that the audit replays it the same way).
    public var language: RunLanguage

    public init(path: String, sha256: String, format: ImportFormat, hygiene: Bool, records: Int, language: RunLanguage = .en) {
        self.language = language
        self.path = path
        self.sha256 = sha256
        self.format = format
        self.hygiene = hygiene
        self.records = records
    }

    /// The `runs.config` object.
    public var configJSON: String {
        "{\"imported_from\": \(JSONWriter.quoted(path)), \"sha256\": \"\(sha256)\", \"format\": \"\(format.rawValue)\", "
            + "\"hygiene\": \(hygiene), \"records\": \(records)"
            // English, the default, is left out: configurations from before languages read the same.
            + (language == .en ? "}" : ", \"language\": \"\(language.rawValue)\"}")
    }

    /// The provenance recorded in a `runs.config` object; nil for a run that was not imported.
    public init?(configJSON text: String) {
        guard let value = try? JSONReader.parse(Array(text.utf8)),
              case .string(let path)? = value["imported_from"], case .string(let sha256)? = value["sha256"]
        else { return nil }
        self.path = path
        self.sha256 = sha256
        if case .string(let name)? = value["format"], let format = ImportFormat(rawValue: name) {
            self.format = format
        } else {
            self.format = .jsonl
        }
        if case .bool(let hygiene)? = value["hygiene"] { self.hygiene = hygiene } else { self.hygiene = true }
        if case .number(let number)? = value["records"], let records = Int(number) { self.records = records } else { self.records = 0 }
        if case .string(let name)? = value["language"], let language = RunLanguage(rawValue: name) {
            self.language = language
        } else {
            self.language = .en
        }
    }
}
