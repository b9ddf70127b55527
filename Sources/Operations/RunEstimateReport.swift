public import SelfInstruct

/// Estimate against actual while a run goes, as `sictl status` shows it: per stage and in total, the expected
/// cost of the whole run, what it spent so far, and the projected end.
public struct RunEstimateReport: Sendable, Hashable, Codable {
    public struct Line: Sendable, Hashable, Codable {
        public var stage: String
        public var expectedCalls: EstimateRange
        public var expectedTokens: EstimateRange
        /// Nil when the run has no prices.
        public var expectedUsd: EstimateRange?
        public var actualCalls: Int
        public var actualTokens: Int
        public var actualUsd: Double
        public var projectedCalls: Double
        public var projectedTokens: Double
        public var projectedUsd: Double?

        init(_ line: RunProjection.Line) {
            stage = line.stage?.rawValue ?? "total"
            expectedCalls = line.expected.calls
            expectedTokens = line.expected.tokens
            expectedUsd = line.expected.usd
            actualCalls = line.actual.calls
            actualTokens = line.actual.promptTokens + line.actual.completionTokens
            actualUsd = line.actual.usd
            projectedCalls = line.projectedCalls
            projectedTokens = line.projectedTokens
            projectedUsd = line.projectedUSD
        }
    }

    /// Earlier runs the expectation is based on; empty for documented defaults.
    public var observedRuns: [Int64]
    public var stages: [Line]
    public var total: Line

    public init(_ projection: RunProjection) {
        observedRuns = projection.estimate.yields.observedRuns
        stages = projection.stages.map(Line.init)
        total = Line(projection.total)
    }
}
