public import SelfInstruct

/// Thrown by a teacher call in batch mode whose request now waits in `batch_requests`: the message must not be
/// processed now. The runtime acks it without marking it processed; once the batch answers, the message is sent
/// again through the outbox and its handler finds the answer stored.
public struct AwaitingBatch: Error, Sendable, Hashable, CustomStringConvertible {
    public var runID: Int64
    public var stage: PipelineStage
    public var entityID: Int64

    public init(runID: Int64, stage: PipelineStage, entityID: Int64) {
        self.runID = runID
        self.stage = stage
        self.entityID = entityID
    }

    public var description: String { "run \(runID): \(stage.rawValue) item \(entityID) waits for a batch" }
}
