/// One batch as the simulator keeps it: what was submitted, its timeline, and the answers given so far.
struct BatchRecord: Sendable {
    /// A request of the batch, with how many earlier batches had submitted its custom_id.
    struct Request: Sendable {
        var customID: String
        var body: [UInt8]
        var earlierSubmissions: Int
    }

    /// The answer to one request: the status and body the online endpoint would have given.
    struct Answer: Sendable {
        var statusCode: Int
        var body: String
    }

    /// The completion window every batch gets (the only one OpenAI offers).
    static let completionWindow = "24h"
    static let completionWindowSeconds = 24.0 * 3600

    let id: String
    /// Place in the creation order since start or reset (0-based).
    let ordinal: Int
    let endpoint: String
    let inputFileID: String
    /// Sorted by key; nil when the batch was created without metadata.
    let metadata: [(key: String, value: String)]?
    /// Empty when the input file was refused.
    let requests: [Request]
    /// Why the input file was refused (empty when it was accepted).
    let problems: [BatchInputFile.Problem]
    var timeline: BatchTimeline
    /// Answers to the first `answers.count` requests, in file order.
    var answers: [Answer] = []
    /// Set when the batch reached its last status and its files were written.
    var isClosed = false
    var outputFileID: String?
    var errorFileID: String?

    /// OpenAI's batch object as it stands at `now` (the record must have been advanced to `now`).
    func object(at now: Double) -> JSONValue {
        let status = timeline.status(at: now)
        let reachedUntil = min(now, timeline.workEndsAt)
        func instant(_ seconds: Double) -> JSONValue { .int(Int(seconds.rounded(.down))) }
        func instant(_ seconds: Double, if condition: Bool) -> JSONValue { condition ? instant(seconds) : .null }

        let answered = answers.filter { $0.statusCode == 200 }.count
        let notRun = status == .expired || status == .cancelled ? requests.count - answers.count : 0
        let errors: JSONValue = status == .failed
            ? .object([("object", .string("list")), ("data", .array(problems.map(\.object)))])
            : .null
        return .object([
            ("id", .string(id)),
            ("object", .string("batch")),
            ("endpoint", .string(endpoint)),
            ("errors", errors),
            ("input_file_id", .string(inputFileID)),
            ("completion_window", .string(Self.completionWindow)),
            ("status", .string(status.rawValue)),
            ("output_file_id", outputFileID.map(JSONValue.string) ?? .null),
            ("error_file_id", errorFileID.map(JSONValue.string) ?? .null),
            ("created_at", instant(timeline.createdAt)),
            ("in_progress_at", instant(timeline.validatedAt, if: !timeline.refused && timeline.validatedAt <= reachedUntil)),
            ("expires_at", instant(timeline.createdAt + Self.completionWindowSeconds)),
            ("finalizing_at", instant(timeline.finalizingAt, if: !timeline.refused && timeline.finalizingAt <= reachedUntil)),
            ("completed_at", instant(timeline.completesAt, if: status == .completed)),
            ("failed_at", instant(timeline.validatedAt, if: status == .failed)),
            ("expired_at", timeline.expiresAt.map { instant($0, if: status == .expired) } ?? .null),
            ("cancelling_at", timeline.cancelRequestedAt.map { instant($0) } ?? .null),
            ("cancelled_at", timeline.cancelledAt.map { instant($0, if: status == .cancelled) } ?? .null),
            ("request_counts", .object([
                ("total", .int(requests.count)),
                ("completed", .int(answered)),
                ("failed", .int(answers.count - answered + notRun)),
            ])),
            ("metadata", metadata.map { pairs in .object(pairs.map { ($0.key, JSONValue.string($0.value)) }) } ?? .null),
        ])
    }
}
