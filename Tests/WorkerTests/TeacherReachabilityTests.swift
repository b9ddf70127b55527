import Teacher
import Testing
import Worker

@Suite("TeacherReachability: an outage pauses the run only when no answer came for the set time")
struct TeacherReachabilityTests {
    let start = ContinuousClock.now

    @Test func failuresWithoutAnAnswerReachTheLimit() {
        let reachability = TeacherReachability(unreachableAfter: .seconds(10))
        #expect(!reachability.failed(at: start))
        #expect(!reachability.failed(at: start + .seconds(9)))
        #expect(reachability.failed(at: start + .seconds(10)))
    }

    @Test func anAnswerInBetweenStartsTheClockAgain() {
        let reachability = TeacherReachability(unreachableAfter: .seconds(10))
        _ = reachability.failed(at: start)
        reachability.answered(at: start + .seconds(8))
        #expect(!reachability.failed(at: start + .seconds(12)))
        #expect(reachability.failed(at: start + .seconds(22)))
    }

    @Test func failuresFarApartAndAPauseStartANewWindow() {
        let reachability = TeacherReachability(unreachableAfter: .seconds(10))
        _ = reachability.failed(at: start)
        // Idle for longer than the window: the next failure is the first of a new outage.
        #expect(!reachability.failed(at: start + .seconds(30)))
        #expect(reachability.failed(at: start + .seconds(40)))
        // That pause ends the window: after a resume the teacher has a full one again.
        #expect(!reachability.failed(at: start + .seconds(41)))
    }

    @Test func anAnswerAfterAFailureMakesItTheItemsOwn() {
        let reachability = TeacherReachability(unreachableAfter: .seconds(10))
        #expect(!reachability.answered(after: start))
        reachability.answered(at: start + .seconds(1))
        #expect(reachability.answered(after: start))
        #expect(!reachability.answered(after: start + .seconds(2)))
    }

    @Test func onlyFailuresWhereNoServerAnsweredCountAsAnOutage() {
        func error(_ kind: TeacherError.Kind, _ status: Int? = nil) -> TeacherError {
            TeacherError(kind: kind, classification: .retryable, operation: "POST /v1/completions", message: "", httpStatus: status)
        }
        #expect(TeacherReachability.isOutage(error(.connectionFailed)))
        #expect(TeacherReachability.isOutage(error(.timeout)))
        #expect(TeacherReachability.isOutage(error(.serverError, 503)))
        #expect(!TeacherReachability.isOutage(error(.serverError, 500)))
        #expect(!TeacherReachability.isOutage(error(.rateLimited, 429)))
        #expect(!TeacherReachability.isOutage(error(.malformedResponse, 200)))
    }
}
