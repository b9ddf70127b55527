/// The text of one completion choice and why it ended.
public struct Completion: Sendable, Hashable {
    public var text: String
    public var finishReason: FinishReason

    public init(text: String, finishReason: FinishReason = .stop) {
        self.text = text
        self.finishReason = finishReason
    }
}
