import SelfInstruct
import Testing

@Suite("Batch settings: which stages batch, and how (runs.config key batch)")
struct BatchSettingsTests {
    private func read(_ text: String) throws -> BatchSettings? {
        try BatchSettings(json: try JSONReader.parse(Array(text.utf8)))
    }

    @Test func allNamesTheThreeTeacherStages() throws {
        #expect(try BatchSettings.stages(named: "all") == [.generate, .classify, .instances])
        #expect(try read("\"all\"")?.stages == [.generate, .classify, .instances])
        #expect(try read("true")?.stages == [.generate, .classify, .instances])
    }

    @Test func aListNamesSomeStages() throws {
        #expect(try BatchSettings.stages(named: "classify, instances") == [.classify, .instances])
        #expect(throws: BatchSettingsError.self, "a bare list is not a setting") { try read("[\"generate\"]") }
        let settings = try #require(try read("{\"stages\": [\"classify\"], \"max_requests\": 500, \"max_age_seconds\": 2.5}"))
        #expect(settings.stages == [.classify])
        #expect(settings.batches(.classify) && !settings.batches(.generate) && !settings.batches(.instances))
        #expect(settings.maxRequests == 500 && settings.maxAgeSeconds == 2.5)
        #expect(settings.pollSeconds == 30 && settings.priceFactor == 0.5 && settings.completionWindow == "24h")
    }

    @Test func offIsNil() throws {
        #expect(try read("false") == nil)
        #expect(try read("null") == nil)
    }

    @Test func stagesThatDoNotCallTheTeacherAndBadNumbersAreRefusedWithTheKey() {
        #expect(throws: BatchSettingsError.self) { try BatchSettings.stages(named: "shards") }
        #expect(throws: BatchSettingsError.self) { try BatchSettings.stages(named: "filter.instructions") }
        #expect(throws: BatchSettingsError.self) { try BatchSettings.stages(named: "") }
        for bad in ["{\"max_requests\": 0}", "{\"max_requests\": 50001}", "{\"max_requests\": 1.5}", "{\"poll_seconds\": 0}",
                    "{\"price_factor\": 1.5}", "{\"max_age_seconds\": -1}", "{\"completion_window\": 24}", "7"] {
            #expect(throws: BatchSettingsError.self, "\(bad)") { try read(bad) }
        }
        do {
            _ = try read("{\"stages\": \"generate,shards\"}")
            Issue.record("shards accepted")
        } catch let error as BatchSettingsError {
            #expect(error.description.contains("'shards'") && error.description.contains("generate, classify, instances"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func theObjectFormReadsBackTheSame() throws {
        var settings = BatchSettings(stages: [.generate, .instances])
        settings.maxRequests = 123
        settings.maxAgeSeconds = 0.4
        settings.pollSeconds = 0.3
        settings.priceFactor = 0.25
        settings.completionWindow = "48h"
        #expect(try BatchSettings(json: settings.json) == settings)
    }
}
