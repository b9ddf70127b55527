import SelfInstruct
import Synchronization
import Testing

@testable import Teacher

/// A ledger in memory with a token cap, as the database gate keeps it per run.
final class LedgerGate: SpendGate {
    struct State {
        var reserved: Int64 = 0
        var spent: Int64 = 0
        var reservations = 0
        var settlements: [TokenUsage?] = []
    }

    let cap: Int64
    let state = Mutex(State())

    init(cap: Int64) {
        self.cap = cap
    }

    func reserve(model: String, promptTokens: Int, completionTokens: Int, operation: String) async throws -> SpendReservation? {
        let tokens = Int64(promptTokens + completionTokens)
        let granted = state.withLock { state -> Bool in
            guard state.spent + state.reserved + tokens <= cap else { return false }
            state.reserved += tokens
            state.reservations += 1
            return true
        }
        guard granted else {
            throw TeacherError(kind: .budgetExhausted, classification: .stopCaller, operation: operation, message: "cap")
        }
        return SpendReservation(ledger: 1, usd: 0, tokens: tokens, prices: nil)
    }

    func settle(_ reservation: SpendReservation, usage: TokenUsage?) async {
        state.withLock { state in
            state.reserved -= reservation.tokens
            state.spent += Int64(usage?.totalTokens ?? 0)
            state.settlements.append(usage)
        }
    }
}

@Suite("TeacherClient reserves each attempt's worst case and settles to its real usage")
struct SpendGateTests {
    static let body = Array(
        #"{"choices":[{"text":" ok","index":0,"finish_reason":"stop"}],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}"#.utf8)
    let parameters = SamplingParameters(maxTokens: 100, n: 1)

    static func client(_ transport: ScriptedTransport, gate: LedgerGate) -> TeacherClient {
        TeacherClient(
            config: ClientTests.config(maxAttempts: 3), transport: transport, spendGate: gate, jitterSeed: 1,
            clock: SleepLog().clock, wallClock: { 0 })
    }

    @Test func aGrantedAttemptIsSettledToTheReportedUsage() async throws {
        let gate = LedgerGate(cap: 10_000)
        let transport = ScriptedTransport([ClientTests.response(200, Self.body)])
        _ = try await Self.client(transport, gate: gate).complete(prompts: ["hello"], parameters: parameters, stage: "classify")
        let state = gate.state.withLock { $0 }
        #expect(state.reservations == 1)
        #expect(state.reserved == 0, "the reservation outlived its attempt")
        #expect(state.spent == 10)
        #expect(state.settlements == [TokenUsage(promptTokens: 7, completionTokens: 3)])
    }

    @Test func aRefusedReservationSendsNothingAndThrowsBudgetExhausted() async throws {
        // The worst case is the prompt estimate plus max_tokens (100): more than a 50-token cap.
        let gate = LedgerGate(cap: 50)
        let transport = ScriptedTransport([])
        await #expect {
            _ = try await Self.client(transport, gate: gate).complete(prompts: ["hello"], parameters: parameters, stage: "generate")
        } throws: { error in
            (error as? TeacherError).map { $0.kind == .budgetExhausted && $0.classification == .stopCaller } ?? false
        }
        #expect(transport.requests.isEmpty)
        #expect(gate.state.withLock { $0.reservations } == 0)
    }

    @Test func eachRetriedAttemptReservesAgainAndAFailedOneBooksNothing() async throws {
        let gate = LedgerGate(cap: 10_000)
        let transport = ScriptedTransport([ClientTests.response(503), ClientTests.response(200, Self.body)])
        _ = try await Self.client(transport, gate: gate).complete(prompts: ["hello"], parameters: parameters, stage: "instances")
        let state = gate.state.withLock { $0 }
        #expect(state.reservations == 2)
        #expect(state.settlements == [nil, TokenUsage(promptTokens: 7, completionTokens: 3)])
        #expect(state.reserved == 0 && state.spent == 10)
    }
}
