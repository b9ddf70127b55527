// How a run uses a provider's batch API (OpenAI's Batch API and the servers that copy it): which stages send their
// teacher requests in batch files instead of one by one, when a batch is sent, how often it is polled, and what
// its answers cost.

/// The `batch` member of a run's configuration; a run without it calls the teacher online.
public struct BatchSettings: Sendable, Hashable {
    /// The stages whose teacher requests go into batches (generate, classify, instances).
    public var stages: Set<PipelineStage>
    /// A batch is sent once this many requests wait (OpenAI accepts up to 50,000 per batch).
    public var maxRequests: Int = 10_000
    /// ... or once the oldest waiting request is this old, in seconds.
    public var maxAgeSeconds: Double = 300
    /// Seconds between two status checks of a batch in flight.
    public var pollSeconds: Double = 30
    /// Batch price as a share of the online price (OpenAI: half).
    public var priceFactor: Double = 0.5
    /// The provider's completion window (OpenAI accepts "24h").
    public var completionWindow: String = "24h"

    /// Most requests in one batch file that OpenAI accepts.
    public static let largestBatch = 50_000
    /// The stages that call the teacher, and so can batch.
    public static let batchableStages: [PipelineStage] = PipelineStage.allCases.filter(\.callsTeacher)

    public init(stages: Set<PipelineStage>) {
        self.stages = stages
    }

    /// Whether `stage`'s requests go into batches.
    public func batches(_ stage: PipelineStage) -> Bool {
        stages.contains(stage)
    }

    /// The stages a `--batch` value names: `all`, or a comma-separated list of generate, classify, instances.
    public static func stages(named text: String) throws(BatchSettingsError) -> Set<PipelineStage> {
        let names = text.split(separator: ",").map { String($0.filter { !$0.isWhitespace }) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw BatchSettingsError("batch stages: none given; expected all or \(stageNames)") }
        if names == ["all"] { return Set(batchableStages) }
        var stages: Set<PipelineStage> = []
        for name in names {
            guard let stage = PipelineStage(rawValue: name), stage.callsTeacher else {
                throw BatchSettingsError("batch stages: '\(name)' is not a stage that calls the teacher; expected all or \(stageNames)")
            }
            stages.insert(stage)
        }
        return stages
    }

    /// `generate, classify, instances`.
    public static var stageNames: String { batchableStages.map(\.rawValue).joined(separator: ", ") }

    /// Reads the `batch` member of a run configuration: `"all"`, a list string such as `"classify,instances"`, or an
    /// object `{"stages": …, "max_requests": …, "max_age_seconds": …, "poll_seconds": …, "price_factor": …,
    /// "completion_window": …}`. `null` or `false` turn batching off (nil).
    public init?(json value: JSONValue) throws(BatchSettingsError) {
        switch value {
        case .null, .bool(false):
            return nil
        case .bool(true):
            self.init(stages: Set(Self.batchableStages))
        case .string(let text):
            self.init(stages: try Self.stages(named: text))
        case .object:
            switch value["stages"] {
            case nil, .null?: self.init(stages: Set(Self.batchableStages))
            case .string(let text)?: self.init(stages: try Self.stages(named: text))
            case .array(let items)?:
                var names: [String] = []
                for item in items {
                    guard case .string(let name) = item else { throw BatchSettingsError("batch.stages must list stage names as strings") }
                    names.append(name)
                }
                self.init(stages: try Self.stages(named: names.joined(separator: ",")))
            default:
                throw BatchSettingsError("batch.stages must be \"all\", a comma-separated string or a list of stage names")
            }
            func number(_ key: String) throws(BatchSettingsError) -> Double? {
                switch value[key] {
                case nil, .null?: return nil
                case .number(let text)?:
                    guard let number = Double(text), number.isFinite else { throw BatchSettingsError("batch.\(key) is not a number") }
                    return number
                default: throw BatchSettingsError("batch.\(key) must be a number")
                }
            }
            if let requests = try number("max_requests") {
                guard requests >= 1, requests <= Double(Self.largestBatch), requests == requests.rounded() else {
                    throw BatchSettingsError("batch.max_requests must be a whole number in 1...\(Self.largestBatch)")
                }
                maxRequests = Int(requests)
            }
            if let age = try number("max_age_seconds") {
                guard age >= 0 else { throw BatchSettingsError("batch.max_age_seconds must not be negative") }
                maxAgeSeconds = age
            }
            if let poll = try number("poll_seconds") {
                guard poll > 0 else { throw BatchSettingsError("batch.poll_seconds must be positive") }
                pollSeconds = poll
            }
            if let factor = try number("price_factor") {
                guard factor >= 0, factor <= 1 else { throw BatchSettingsError("batch.price_factor must be in 0...1") }
                priceFactor = factor
            }
            switch value["completion_window"] {
            case nil, .null?: break
            case .string(let window)? where !window.isEmpty: completionWindow = window
            default: throw BatchSettingsError("batch.completion_window must be a string such as \"24h\"")
            }
        default:
            throw BatchSettingsError("batch must be \"all\", a list of stages, an object or false (got a \(value.typeName))")
        }
    }

    /// The object form of these settings, as `runs.config` keeps it.
    public var json: JSONValue {
        .object([
            ("stages", .array(Self.batchableStages.filter(stages.contains).map { .string($0.rawValue) })),
            ("max_requests", .number(String(maxRequests))),
            ("max_age_seconds", .number("\(maxAgeSeconds)")),
            ("poll_seconds", .number("\(pollSeconds)")),
            ("price_factor", .number("\(priceFactor)")),
            ("completion_window", .string(completionWindow)),
        ])
    }
}
