// Estimate against actual while a run goes. Each stage's expected cost at the progress it has made is compared
// with what it actually spent, and the expected total is scaled by that ratio: a run that spends 10 % more than
// expected so far is projected to spend 10 % more in the end.

/// A run's expected, actual-so-far and projected teacher cost, per stage and in total.
public struct RunProjection: Sendable, Hashable {
    /// What one stage spent so far.
    public struct Actual: Sendable, Hashable {
        public var calls: Int
        public var promptTokens: Int
        public var completionTokens: Int
        public var usd: Double

        public init(calls: Int, promptTokens: Int, completionTokens: Int, usd: Double) {
            self.calls = calls
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
            self.usd = usd
        }

        public static let none = Actual(calls: 0, promptTokens: 0, completionTokens: 0, usd: 0)
    }

    /// One stage (or the total, `stage` nil).
    public struct Line: Sendable, Hashable {
        public var stage: PipelineStage?
        public var expected: CostEstimate.Line
        public var actual: Actual
        public var projectedCalls: Double
        public var projectedTokens: Double
        /// Nil when the prices are unknown.
        public var projectedUSD: Double?
    }

    public var estimate: CostEstimate
    public var stages: [Line]
    public var total: Line

    /// `done` holds the items each stage finished (generate: admitted instructions; classify: classified;
    /// instances: instructions with an instance outcome), `actual` what each spent.
    public static func project(
        estimator: CostEstimator, target: Int, done: [PipelineStage: Int], actual: [PipelineStage: Actual]
    ) -> RunProjection {
        let estimate = estimator.estimate(target: target)
        var lines: [Line] = []
        for expected in estimate.stages {
            guard let stage = expected.stage else { continue }
            let spent = actual[stage] ?? .none
            let progress = min(done[stage] ?? 0, target)
            // The expected cost at this progress, without the surplus that only comes at the end.
            let soFar = stage == .generate
                ? estimator.yields.generation.calls(toAdmit: progress).expected
                : (estimator.yields.callsPerInstruction[stage]?.expected ?? 1) * Double(progress)
            let perCall = estimator.yields.tokens[stage]
            let expectedTokensSoFar = soFar * ((perCall?.prompt.expected ?? 0) + (perCall?.completion.expected ?? 0))
            let spentTokens = Double(spent.promptTokens + spent.completionTokens)
            let callRatio = soFar > 0 && spent.calls > 0 ? Double(spent.calls) / soFar : 1
            let tokenRatio = expectedTokensSoFar > 0 && spentTokens > 0 ? spentTokens / expectedTokensSoFar : 1
            let projectedCalls = max(expected.calls.expected * callRatio, Double(spent.calls))
            let projectedTokens = max(expected.tokens.expected * tokenRatio, spentTokens)
            let projectedUSD = expected.usd.map { max($0.expected * tokenRatio, spent.usd) }
            lines.append(Line(stage: stage, expected: expected, actual: spent, projectedCalls: projectedCalls,
                              projectedTokens: projectedTokens, projectedUSD: projectedUSD))
        }
        let total = Line(
            stage: nil, expected: estimate.total,
            actual: lines.reduce(Actual.none) { sum, line in
                Actual(calls: sum.calls + line.actual.calls, promptTokens: sum.promptTokens + line.actual.promptTokens,
                       completionTokens: sum.completionTokens + line.actual.completionTokens, usd: sum.usd + line.actual.usd)
            },
            projectedCalls: lines.reduce(0) { $0 + $1.projectedCalls },
            projectedTokens: lines.reduce(0) { $0 + $1.projectedTokens },
            projectedUSD: estimate.prices == nil ? nil : lines.reduce(0) { $0 + ($1.projectedUSD ?? 0) })
        return RunProjection(estimate: estimate, stages: lines, total: total)
    }
}
