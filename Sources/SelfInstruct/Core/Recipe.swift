/// The two reference methods this project reproduces (spec §1 and §2).
public enum Recipe: String, Sendable, Hashable, CaseIterable, Codable {
    case selfInstruct = "self-instruct"
    case alpaca = "alpaca"
}
