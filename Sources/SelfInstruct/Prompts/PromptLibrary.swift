// The versioned few-shot prompt texts of both recipes. The texts live in resource files embedded at build
// time (Resources/v1/*.txt); this file only names them and decodes them.

/// Which fixed prompt text (and which reference request parameters) a teacher request uses.
public enum PromptKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Self-Instruct stage 1: the numbered list of 8 instructions (spec §1.1).
    case selfInstructInstructions = "selfinstruct-instructions"
    /// Self-Instruct stage 1 in classification-only mode (spec §1.1, classification header).
    case selfInstructClassificationInstructions = "selfinstruct-instructions-classification"
    /// Self-Instruct stage 2: the 31-example "is it classification?" block (spec §1.2).
    case selfInstructIsClassification = "selfinstruct-is-classification"
    /// Self-Instruct stage 3 for classification tasks: label first, then an input (spec §1.3).
    case selfInstructInstancesOutputFirst = "selfinstruct-instances-output-first"
    /// Self-Instruct stage 3 for every other task: input first, then the output (spec §1.3).
    case selfInstructInstancesInputFirst = "selfinstruct-instances-input-first"
    /// Alpaca: the requirement list asking for 20 tasks at once (spec §2.2).
    // Its requirements are numbered 1, 2, 3, 2, 3, 4, 5, 6, 7 on purpose: the reference's prompt has this slip and
    // its authors kept it because the released 52K data was generated with it (stanford_alpaca PR #24). Our texts are
    // written for this project (same structure, numbering and separators, not the same words), and keep the slip
    // so that the structure a model sees matches the reference's.
    case alpacaInstructions = "alpaca-instructions"

    /// The recipe whose pipeline sends this prompt.
    public var recipe: Recipe {
        switch self {
        case .alpacaInstructions: .alpaca
        default: .selfInstruct
        }
    }
}

/// Why a prompt text could not be loaded.
public enum PromptLibraryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes of a prompt text are not valid UTF-8.
    case invalidUTF8(kind: PromptKind, version: String)

    public var description: String {
        switch self {
        case let .invalidUTF8(kind, version): "prompt text \(version)/\(kind.rawValue) is not valid UTF-8"
        }
    }
}

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

    /// The texts shipped with this build as version "v1".
    public static let v1: PromptLibrary = {
        do {
            return try PromptLibrary(version: "v1") { kind in
                switch kind {
                case .selfInstructInstructions: PackageResources.selfinstruct_instructions_txt
                case .selfInstructClassificationInstructions: PackageResources.selfinstruct_instructions_classification_txt
                case .selfInstructIsClassification: PackageResources.selfinstruct_is_classification_txt
                case .selfInstructInstancesOutputFirst: PackageResources.selfinstruct_instances_output_first_txt
                case .selfInstructInstancesInputFirst: PackageResources.selfinstruct_instances_input_first_txt
                case .alpacaInstructions: PackageResources.alpaca_instructions_txt
                }
            }
        } catch {
            // The bytes are fixed at build time and covered by tests; a failure here is a broken build.
            preconditionFailure("\(error)")
        }
    }()

    /// Every shipped library, oldest first.
    public static let all: [PromptLibrary] = [.v1]

    /// The shipped library with this version string (as recorded in a run's configuration), if any.
    public static func named(_ version: String) -> PromptLibrary? {
        all.first { $0.version == version }
    }
}
