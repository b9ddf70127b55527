public import SelfInstruct

/// A message owed downstream: written to the outbox in the transaction that produced it.
public struct OutgoingMessage: Sendable, Hashable {
    /// The stage whose queue receives it.
    public var stage: PipelineStage
    public var message: StageMessage

    public init(stage: PipelineStage, message: StageMessage) {
        self.stage = stage
        self.message = message
    }

    /// Deterministic id: same stage, kind and entity give the same id, so emitting twice is a no-op.
    public var messageID: String { message.messageID(stage: stage.rawValue) }
}
