// The versioned few-shot prompt texts of both recipes. The texts live in resource files embedded at build
// time (Resources/v1/*.txt); this file only names them and decodes them.

/// One version of every fixed prompt text, decoded and ready to render.
public struct PromptLibrary: Sendable, Hashable {
    /// The version of the texts ("v1"); part of every response-cache key so that edited texts never hit old answers.
    public let version: String
    private let texts: [PromptKind: String]

    /// Builds a library from raw bytes per kind, rejecting text that is not valid UTF-8 or a missing kind.
    public init(version: String, bytes: (PromptKind) -> [UInt8]) throws(PromptLibraryError) {
        var texts: [PromptKind: String] = [:]
        for kind in PromptKind.allCases {
            guard let text = String(validating: bytes(kind), as: UTF8.self) else {
                throw .invalidUTF8(kind: kind, version: version)
            }
            texts[kind] = text
        }
        self.version = version
        self.texts = texts
    }

    /// The fixed text of one prompt kind, exactly as stored in its resource file.
    public func text(for kind: PromptKind) -> String {
        // Every kind is filled by the only initialiser.
        texts[kind]!
    }

    /// A cache-key component naming the exact prompt text a request was built from, e.g. `v1/alpaca-instructions`.
    public func cacheKeyComponent(for kind: PromptKind) -> String {
        "\(version)/\(kind.rawValue)"
    }

    /// A library of texts embedded at build time; they are covered by tests, so a failure is a broken build.
    private static func shipped(version: String, bytes: (PromptKind) -> [UInt8]) -> PromptLibrary {
        do {
            return try PromptLibrary(version: version, bytes: bytes)
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// The texts shipped with this build as version "v1".
    public static let v1: PromptLibrary = shipped(version: "v1") { kind in
        switch kind {
        case .selfInstructInstructions: PackageResources.selfinstruct_instructions_txt
        case .selfInstructClassificationInstructions: PackageResources.selfinstruct_instructions_classification_txt
        case .selfInstructIsClassification: PackageResources.selfinstruct_is_classification_txt
        case .selfInstructInstancesOutputFirst: PackageResources.selfinstruct_instances_output_first_txt
        case .selfInstructInstancesInputFirst: PackageResources.selfinstruct_instances_input_first_txt
        case .alpacaInstructions: PackageResources.alpaca_instructions_txt
        }
    }

    /// The Chinese texts shipped with this build as version "zh-v1": the same structure as v1, the natural
    /// language in Chinese, the structural labels (`Task:`, `Output:`, `Instruction:`, `<noinput>`…) kept in
    /// English so that the same parsers read the answers.
    public static let zhV1: PromptLibrary = shipped(version: "zh-v1") { kind in
        switch kind {
        case .selfInstructInstructions: PackageResources.zh_selfinstruct_instructions_txt
        case .selfInstructClassificationInstructions: PackageResources.zh_selfinstruct_instructions_classification_txt
        case .selfInstructIsClassification: PackageResources.zh_selfinstruct_is_classification_txt
        case .selfInstructInstancesOutputFirst: PackageResources.zh_selfinstruct_instances_output_first_txt
        case .selfInstructInstancesInputFirst: PackageResources.zh_selfinstruct_instances_input_first_txt
        case .alpacaInstructions: PackageResources.zh_alpaca_instructions_txt
        }
    }

    /// The texts of `unicode` runs as version "unicode-v1": v1, except that Alpaca's requirement to write in
    /// English asks for the language of the examples (the seed tasks show the language).
    public static let unicodeV1: PromptLibrary = shipped(version: "unicode-v1") { kind in
        kind == .alpacaInstructions ? PackageResources.unicode_alpaca_instructions_txt : Array(v1.text(for: kind).utf8)
    }

    /// Every shipped library, oldest first.
    public static let all: [PromptLibrary] = [.v1, .zhV1, .unicodeV1]

    /// The texts a run in `language` sends, given the English texts in use.
    public static func forLanguage(_ language: RunLanguage, english: PromptLibrary = .v1) -> PromptLibrary {
        switch language {
        case .en: english
        case .zh: .zhV1
        case .unicode: .unicodeV1
        }
    }

    /// The shipped library with this version string (as recorded in a run's configuration), if any.
    public static func named(_ version: String) -> PromptLibrary? {
        all.first { $0.version == version }
    }
}
