// The run budget over PostgreSQL: one conditional UPDATE of `run_budgets` per attempt reserves its worst case, so
// the cap holds across every replica of every stage; the settle books the real usage.

public import Logging
import Records
import SelfInstruct
public import Store
public import Teacher

/// Reserves and settles teacher requests against the budget of the run in `DatabaseCallRecorder.$context`.
public struct DatabaseSpendGate: SpendGate {
    private let database: Database
    /// The daemons' prices, for runs without their own (a token cap needs none).
    private let prices: PriceTable
    private let logger: Logger

    /// How long a request waits for in-flight requests to settle before the budget counts as spent.
    static let longestWaitForOthers = Duration.seconds(30)

    public init(database: Database, prices: PriceTable, logger: Logger) {
        self.database = database
        self.prices = prices
        self.logger = logger
    }

    public func reserve(model: String, promptTokens: Int, completionTokens: Int, operation: String) async throws -> SpendReservation? {
        guard let context = DatabaseCallRecorder.context, context.budgeted else { return nil }
        let prices = context.prices ?? self.prices.prices[model]
        let usd = prices?.cost(prompt: promptTokens, completion: completionTokens) ?? 0
        let tokens = Int64(promptTokens + completionTokens)
        // While only other requests' worst cases stand in the way, wait for their settles: most come back far
        // below their reservation. A bounded wait, since a crashed worker's reservation is never settled.
        let deadline = ContinuousClock.now + Self.longestWaitForOthers
        var wait = Duration.milliseconds(50)
        while true {
            switch try await RunBudgetsTable.reserve(runID: context.runID, usd: usd, tokens: tokens, on: database) {
            case .granted:
                return SpendReservation(ledger: context.runID, usd: usd, tokens: tokens, prices: prices)
            case .othersInFlight where ContinuousClock.now < deadline:
                try await Task.sleep(for: wait)
                wait = min(wait * 2, .seconds(1))
            case .othersInFlight, .exhausted:
                throw TeacherError(
                    kind: .budgetExhausted, classification: .stopCaller, operation: operation,
                    message: "run \(context.runID): the next request (up to \(tokens) tokens) would pass the run's budget")
            }
        }
    }

    public func settle(_ reservation: SpendReservation, usage: TokenUsage?) async {
        let usd = usage.map { reservation.prices?.cost(prompt: $0.promptTokens, completion: $0.completionTokens) ?? 0 } ?? 0
        let tokens = Int64(usage?.totalTokens ?? 0)
        do {
            try await RunBudgetsTable.settle(
                runID: reservation.ledger, reservedUSD: reservation.usd, reservedTokens: reservation.tokens,
                spentUSD: usd, spentTokens: tokens, on: database)
        } catch {
            // The reservation stays booked: the ledger errs towards spending less, never more.
            logger.warning("cannot settle a budget reservation", metadata: ["error": "\(error)", "si.run_id": "\(reservation.ledger)"])
        }
    }
}
