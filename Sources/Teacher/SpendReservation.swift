public import SelfInstruct

/// A reservation made by a `SpendGate`, returned to it when the attempt ends.
public struct SpendReservation: Sendable, Hashable {
    /// The ledger the reservation was made in (a run id for the database gate).
    public var ledger: Int64
    public var usd: Double
    public var tokens: Int64
    /// The prices the reservation was made at (nil: unpriced), so the settle books at the same ones.
    public var prices: TokenPrices?

    public init(ledger: Int64, usd: Double, tokens: Int64, prices: TokenPrices?) {
        self.ledger = ledger
        self.usd = usd
        self.tokens = tokens
        self.prices = prices
    }
}
