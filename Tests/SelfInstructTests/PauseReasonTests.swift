import SelfInstruct
import Testing

@Suite("Pause reasons: which stages a self-paused run holds")
struct PauseReasonTests {
    @Test func aSelfPauseHoldsExactlyTheStagesThatCallTheTeacher() {
        let teacherStages: Set<PipelineStage> = [.generate, .classify, .instances]
        for reason in PauseReason.allCases where reason != .operator {
            for stage in PipelineStage.allCases {
                #expect(reason.holds(stage) == teacherStages.contains(stage), "\(reason) × \(stage)")
            }
        }
    }

    @Test func anOperatorPauseHoldsNoStage() {
        // Generation stops because the filters stop re-issuing tokens; admitted work finishes.
        for stage in PipelineStage.allCases { #expect(!PauseReason.operator.holds(stage)) }
    }

    @Test func onlyAPausedRunHoldsAndItsReasonIsKeptOnlyWhilePaused() {
        #expect(RunState(status: .paused, pauseReason: .budgetExhausted).holds(.classify))
        #expect(!RunState(status: .running, pauseReason: .budgetExhausted).holds(.classify))
        #expect(RunState(status: .running, pauseReason: .budgetExhausted).pauseReason == nil)
        #expect(RunState(status: .paused).pauseReason == .operator)
        #expect(!RunState(status: .paused).holds(.generate))
    }

    @Test func storedValuesAreTheDocumentedOnes() {
        #expect(PauseReason.allCases.map(\.rawValue).sorted()
            == ["budget_exhausted", "operator", "teacher_credentials_rejected", "teacher_unreachable"])
    }
}
