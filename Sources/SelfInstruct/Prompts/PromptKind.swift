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
