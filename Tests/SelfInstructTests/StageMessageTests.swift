import SelfInstruct
import Testing

@Suite("Stage message envelope")
struct StageMessageTests {
    @Test("a body survives writing and reading", arguments: StageMessage.Kind.allCases)
    func roundTrip(kind: StageMessage.Kind) throws {
        let message = StageMessage(runID: 9_007_199_254_740_993, entityID: -4, kind: kind, attempt: 3)
        let decoded = try StageMessage(json: message.jsonBytes)
        #expect(decoded == message)
        #expect(decoded.schemaVersion == StageMessage.currentSchemaVersion)
    }

    @Test("key order is free and unknown keys are ignored")
    func lenientReading() throws {
        let body = #"{"kind":"generation_token","extra":[1,2],"attempt":2,"entity_id":17,"run_id":5,"schema_version":1}"#
        let message = try StageMessage(json: Array(body.utf8))
        #expect(message == StageMessage(runID: 5, entityID: 17, kind: .generationToken, attempt: 2))
    }

    @Test("bad bodies name the offending field", arguments: [
        (#"{"schema_version":2,"run_id":1,"entity_id":1,"attempt":1,"kind":"generation_token"}"#, "schema_version"),
        (#"{"schema_version":1,"run_id":"1","entity_id":1,"attempt":1,"kind":"generation_token"}"#, "run_id"),
        (#"{"schema_version":1,"run_id":1,"attempt":1,"kind":"generation_token"}"#, "entity_id"),
        (#"{"schema_version":1,"run_id":1,"entity_id":1,"attempt":0,"kind":"generation_token"}"#, "attempt"),
        (#"{"schema_version":1,"run_id":1,"entity_id":1,"attempt":1,"kind":"nonsense"}"#, "kind"),
    ])
    func rejectsBadBodies(body: String, field: String) {
        let error = #expect(throws: StageMessageError.self) { try StageMessage(json: Array(body.utf8)) }
        #expect(error?.field == field)
    }

    @Test("a body that is not a JSON object is refused without a field")
    func rejectsNonObjects() {
        for body in ["[1]", "{", ""] {
            let error = #expect(throws: StageMessageError.self) { try StageMessage(json: Array(body.utf8)) }
            #expect(error?.field == nil)
        }
    }

    @Test("message ids depend on stage, kind and entity only, not on run or attempt")
    func deterministicIDs() {
        let first = StageMessage(runID: 1, entityID: 42, kind: .instructionCandidates, attempt: 1)
        let retried = StageMessage(runID: 1, entityID: 42, kind: .instructionCandidates, attempt: 4)
        #expect(first.messageID(stage: "filter.instructions") == retried.messageID(stage: "filter.instructions"))
        let ids: Set<String> = [
            first.messageID(stage: "filter.instructions"),
            first.messageID(stage: "generate"),
            StageMessage(runID: 1, entityID: 43, kind: .instructionCandidates).messageID(stage: "filter.instructions"),
            StageMessage(runID: 1, entityID: 42, kind: .generationToken).messageID(stage: "filter.instructions"),
        ]
        #expect(ids.count == 4)
    }
}
