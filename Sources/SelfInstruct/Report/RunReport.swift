/// What `sictl report` shows about a run or an imported data set: the paper's diversity and quality analyses and
/// the run's own record. Written as `report.json` and drawn by `ReportPage`.
public struct RunReport: Sendable, Hashable, Codable {
    /// Which run, and how far it is.
    public struct Header: Sendable, Hashable, Codable {
        public var runID: Int64
        public var name: String
        public var recipe: String
        public var status: String
        public var language: String
        /// The file an imported data set came from; nil for a generated run.
        public var importedFrom: String?
        public var target: Int
        /// Admitted instructions (all of an imported data set's kept ones).
        public var instructions: Int
        public var validInstances: Int
        /// The seed instructions ROUGE-L was measured against, and where they came from (the run's, or a file).
        public var seeds: Int
        public var seedsFrom: String
        /// True while the run is not finished: the numbers are those so far.
        public var live: Bool
        /// When the report was made (ISO 8601, UTC).
        public var generatedAt: String

        public init(runID: Int64, name: String, recipe: String, status: String, language: String, importedFrom: String?,
                    target: Int, instructions: Int, validInstances: Int, seeds: Int, seedsFrom: String, live: Bool,
                    generatedAt: String) {
            self.seeds = seeds
            self.seedsFrom = seedsFrom
            self.runID = runID
            self.name = name
            self.recipe = recipe
            self.status = status
            self.language = language
            self.importedFrom = importedFrom
            self.target = target
            self.instructions = instructions
            self.validInstances = validInstances
            self.live = live
            self.generatedAt = generatedAt
        }
    }

    /// Rejections of one reason at one stage.
    public struct Rejection: Sendable, Hashable, Codable {
        public var stage: String
        public var reason: String
        public var count: Int

        public init(stage: String, reason: String, count: Int) {
            self.stage = stage
            self.reason = reason
            self.count = count
        }
    }

    /// The run's teacher calls in one minute.
    public struct TeacherMinute: Sendable, Hashable, Codable {
        /// The minute's start (ISO 8601, UTC).
        public var minute: String
        public var calls: Int
        public var failures: Int
        public var promptTokens: Int
        public var completionTokens: Int
        public var costUSD: Double

        public init(minute: String, calls: Int, failures: Int, promptTokens: Int, completionTokens: Int, costUSD: Double) {
            self.minute = minute
            self.calls = calls
            self.failures = failures
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
            self.costUSD = costUSD
        }
    }

    public var header: Header
    public var sunburst: VerbSunburst
    /// Each instruction's highest ROUGE-L F against the seed instructions.
    public var rougeAgainstSeeds: Histogram
    /// Lengths in words (whitespace-separated).
    public var instructionWords: Histogram
    public var inputWords: Histogram
    public var outputWords: Histogram
    /// Valid instances without an input.
    public var emptyInputs: Int
    public var rejections: [Rejection]
    public var teacher: [TeacherMinute]

    public init(header: Header, analysis: InstructionAnalysis, rejections: [Rejection], teacher: [TeacherMinute]) {
        self.header = header
        sunburst = analysis.sunburst
        rougeAgainstSeeds = analysis.rougeAgainstSeeds
        instructionWords = analysis.instructionWords
        inputWords = analysis.inputWords
        outputWords = analysis.outputWords
        emptyInputs = analysis.emptyInputs
        self.rejections = rejections
        self.teacher = teacher
    }
}
