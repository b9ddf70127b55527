public import SelfInstruct

/// A message owed downstream: written to the outbox in the transaction that produced it.
public struct OutgoingMessage: Sendable, Hashable {
    /// The stage whose queue receives it.
    public var stage: PipelineStage
    public var message: StageMessage
    /// Set for a message sent again on purpose (a parked message on resume): its outbox row needs an id of its
    /// own, since the first sending's row still holds the plain one. Consumers key on the body, not on this.
    public var resend: String?

    public init(stage: PipelineStage, message: StageMessage, resend: String? = nil) {
        self.stage = stage
        self.message = message
        self.resend = resend
    }

    /// Deterministic id: same stage, kind and entity give the same id, so emitting twice is a no-op.
    public var messageID: String {
        let id = message.messageID(stage: stage.rawValue)
        return resend.map { "\(id)#\($0)" } ?? id
    }
}
