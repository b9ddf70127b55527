// An instruction the teacher refused in classify or instances fails once with the server's message. A teacher that
// refuses most of them (a model that went away, a key without access to it) would let the run "complete" with
// nothing in it, so past a floor, more refusals than answers end the run as failed, with the server's message.

import Records
import SelfInstruct
import Store
import Teacher

/// Records refusals of one instruction's teacher call and fails runs the teacher refuses wholesale.
enum InstructionRefusal {
    /// Refusals of a stage before the run may fail for them.
    static let floor = 20

    /// The work that records `error` as the refusal of `message`'s instruction in `stage`.
    static func work(for message: StageMessage, stage: PipelineStage, error: TeacherError) -> StageWork {
        let id = message.entityID
        let runID = message.runID
        let reason = error.refusalReason
        return StageWork(write: { transaction in
            try await record(instructionID: id, runID: runID, stage: stage, reason: reason, on: transaction)
            return []
        })
    }

    private static func record(
        instructionID: Int64, runID: Int64, stage: PipelineStage, reason: String, on transaction: Transaction
    ) async throws {
        try await InstructionsTable.recordTeacherRefusal(id: instructionID, stage: stage, reason: reason, on: transaction)
        let outcomes = try await InstructionsTable.teacherOutcomes(runID: runID, stage: stage, on: transaction)
        if outcomes.refused >= floor && outcomes.refused > outcomes.answered {
            try await RunsTable.fail(
                id: runID,
                reason: "si-\(stage.rawValue): the teacher refused \(outcomes.refused) instructions and answered \(outcomes.answered); last: \(reason)",
                on: transaction)
        }
    }
}
