// The body every stage message carries (claim-check: ids only, PostgreSQL holds the data), and the
// deterministic message id that makes redeliveries and re-emits idempotent.

/// A pipeline message: which run, which stored entity, what kind of work, and the sender's attempt.
public struct StageMessage: Sendable, Hashable {
    /// The body layout this code writes; readers refuse any other.
    public static let currentSchemaVersion = 1

    /// What the entity id refers to and what the receiving stage does with it.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// `si.generate`: one issue of a circulating generation token (entity: `generation_requests.id`).
        case generationToken = "generation_token"
        /// `si.filter.instructions`: the candidates one generation produced (entity: `generation_requests.id`).
        case instructionCandidates = "instruction_candidates"
        /// `si.classify` / `si.instances`: one admitted instruction (entity: `instructions.id`).
        case admittedInstruction = "admitted_instruction"
        /// `si.filter.instances`: the instances generated for one instruction (entity: `instructions.id`).
        case instanceCandidates = "instance_candidates"
        /// `si.shards`: valid instances of a run are ready to shard (entity: the run id).
        case shardRequest = "shard_request"
    }

    public var schemaVersion: Int
    public var runID: Int64
    public var entityID: Int64
    /// 1 for the first send; a replay from the dead letters counts up.
    public var attempt: Int
    public var kind: Kind

    /// A message in the current schema version.
    public init(runID: Int64, entityID: Int64, kind: Kind, attempt: Int = 1) {
        self.schemaVersion = Self.currentSchemaVersion
        self.runID = runID
        self.entityID = entityID
        self.attempt = attempt
        self.kind = kind
    }

    /// The id a message about this entity gets when sent to `stage` (a queue name without its namespace,
    /// e.g. `filter.instructions`): the same inputs always give the same id, so re-emitting is a no-op
    /// downstream. The attempt is left out on purpose.
    public static func messageID(stage: String, kind: Kind, entityID: Int64) -> String {
        "\(stage)/\(kind.rawValue)/\(entityID)"
    }

    /// `messageID(stage:kind:entityID:)` for this message.
    public func messageID(stage: String) -> String {
        Self.messageID(stage: stage, kind: kind, entityID: entityID)
    }

    /// The JSON body: `{"schema_version":1,"run_id":…,"entity_id":…,"attempt":…,"kind":"…"}`.
    public var jsonText: String {
        "{\"schema_version\":\(schemaVersion),\"run_id\":\(runID),\"entity_id\":\(entityID),"
            + "\"attempt\":\(attempt),\"kind\":\(JSONWriter.quoted(kind.rawValue))}"
    }

    /// The JSON body as UTF-8 bytes.
    public var jsonBytes: [UInt8] { Array(jsonText.utf8) }

    /// Reads a body written by `jsonText` (key order free, unknown keys ignored).
    public init(json bytes: some Collection<UInt8>) throws(StageMessageError) {
        let value: JSONValue
        do {
            value = try JSONReader.parse(bytes)
        } catch {
            throw StageMessageError(field: nil, problem: error.description)
        }
        guard case .object = value else { throw StageMessageError(field: nil, problem: "expected an object") }
        func integer(_ key: String) throws(StageMessageError) -> Int64 {
            guard case .number(let text)? = value[key], let number = Int64(text) else {
                throw StageMessageError(field: key, problem: "expected an integer")
            }
            return number
        }
        let version = try integer("schema_version")
        guard version == Int64(Self.currentSchemaVersion) else {
            throw StageMessageError(field: "schema_version", problem: "unsupported version \(version)")
        }
        guard case .string(let kindText)? = value["kind"], let kind = Kind(rawValue: kindText) else {
            throw StageMessageError(field: "kind", problem: "expected one of \(Kind.allCases.map(\.rawValue))")
        }
        let attempt = try integer("attempt")
        guard attempt >= 1, attempt <= Int64(Int32.max) else {
            throw StageMessageError(field: "attempt", problem: "expected a positive integer")
        }
        self.init(runID: try integer("run_id"), entityID: try integer("entity_id"), kind: kind, attempt: Int(attempt))
    }
}
