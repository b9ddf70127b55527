// What earlier runs of a recipe actually did, as read from the database; the estimate's best evidence.

/// Teacher usage and admissions of earlier runs of one recipe (and model).
public struct ObservedYields: Sendable, Hashable {
    /// One stage's calls in those runs and the items they finished.
    public struct StageUsage: Sendable, Hashable {
        public var stage: PipelineStage
        /// Every call, failed ones included (they are billed attempts).
        public var calls: Int
        public var promptTokens: Int
        public var completionTokens: Int
        /// Items the stage finished: done generation requests, classified or instance-decided instructions.
        public var items: Int

        public init(stage: PipelineStage, calls: Int, promptTokens: Int, completionTokens: Int, items: Int) {
            self.stage = stage
            self.calls = calls
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
            self.items = items
        }
    }

    /// Finished generation requests whose candidates were first decided at one pool size.
    public struct PoolBucket: Sendable, Hashable {
        /// Admitted machine instructions when the request's first candidate was decided.
        public var poolSize: Int
        public var requests: Int
        public var candidates: Int
        public var admitted: Int

        public init(poolSize: Int, requests: Int, candidates: Int, admitted: Int) {
            self.poolSize = poolSize
            self.requests = requests
            self.candidates = candidates
            self.admitted = admitted
        }
    }

    public var runIDs: [Int64]
    public var stages: [StageUsage]
    /// Requests whose every candidate was decided before the run had its target (the surplus at the end is
    /// modelled separately).
    public var pool: [PoolBucket]

    public init(runIDs: [Int64], stages: [StageUsage], pool: [PoolBucket]) {
        self.runIDs = runIDs
        self.stages = stages
        self.pool = pool
    }

    public func usage(of stage: PipelineStage) -> StageUsage? {
        stages.first { $0.stage == stage && $0.calls > 0 }
    }
}
