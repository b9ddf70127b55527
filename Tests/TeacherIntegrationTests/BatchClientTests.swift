import Foundation
import SelfInstruct
import Teacher
import TeacherSimulator
import Testing

/// `BatchClient` over libcurl against the simulator's Files and Batches endpoints: a batch of prepared requests goes
/// up, comes back with the answers an online call gets, is found again by its input file, and a rejected key stops
/// the caller without leaking it.
@Suite("Batch API client over HTTP") struct BatchClientTests {
    static func configuration(delay: Double, expireFirst: Int = 0, key: String? = nil) -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration(requiredAPIKey: key)
        configuration.batch = BatchConfiguration(delaySeconds: delay, failRate: 0, expireFirst: expireFirst, expireDoneFraction: 0.5)
        return configuration
    }

    @Test func aBatchOfPreparedRequestsComesBackWithTheOnlineAnswers() async throws {
        try await withSimulator(Self.configuration(delay: 0.2)) { sim in
            let teacher = sim.client(sim.config())
            let batches = BatchClient(config: sim.config(), transport: sim.transport)
            let parameters = SamplingParameters.reference(for: .selfInstructIsClassification)
            let tasks = Array(SamplePrompts.seeds.prefix(4))
            var prepared: [PreparedCompletion] = []
            for task in tasks {
                prepared.append(try await teacher.prepareCompletion(prompts: [SamplePrompts.isClassification(task)], parameters: parameters))
            }
            let lines = prepared.enumerated().map { ("si-\($0.offset + 1)", $0.element.path, String(decoding: $0.element.body, as: UTF8.self)) }
            let file = try await batches.upload(batchInput: BatchInput.bytes(lines: lines), fileName: "test.jsonl")
            let created = try await batches.createBatch(
                inputFileID: file.id, endpoint: "/v1/completions", completionWindow: "24h", metadata: ["si_batch": "1"])
            #expect(!created.isFinished)
            // Found again from its file, as after a crash between creating and recording it; another file finds nothing.
            let found = try await batches.batch(madeFrom: file.id, notBefore: Int(Date().timeIntervalSince1970) - 60)
            #expect(found?.id == created.id)
            #expect(try await batches.batch(madeFrom: "file-none", notBefore: 0) == nil)

            var batch = created
            let deadline = ContinuousClock.now + .seconds(10)
            while !batch.isFinished && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                batch = try await batches.batch(id: created.id)
            }
            #expect(batch.status == "completed" && batch.requestCounts?.completed == 4)
            let output = try await batches.content(ofFile: try #require(batch.outputFileID))
            let results = try BatchResultLine.parse(file: output, fileName: "output")
            #expect(Set(results.map(\.customID)) == ["si-1", "si-2", "si-3", "si-4"])
            for result in results {
                let index = Int(result.customID.dropFirst(3))! - 1
                let request = prepared[index]
                let answer = try teacher.readAnswer(
                    try #require(result.body), promptCount: request.promptCount, n: request.n, promptEstimate: request.promptEstimate,
                    maxTokens: request.maxTokens, method: request.method, key: request.key)
                let online = try await teacher.complete(
                    prompts: [SamplePrompts.isClassification(tasks[index])], parameters: parameters, stage: "classify")
                #expect(answer.choices.map { $0.map(\.text) } == online.map { $0.map(\.text) }, "batch and online answers differ for \(result.customID)")
                #expect((answer.usage?.totalTokens ?? 0) > 0)
            }
        }
    }

    @Test func anExpiredBatchKeepsItsAnswersAndNamesTheRest() async throws {
        try await withSimulator(Self.configuration(delay: 0.2, expireFirst: 1)) { sim in
            let teacher = sim.client(sim.config())
            let batches = BatchClient(config: sim.config(), transport: sim.transport)
            let parameters = SamplingParameters.reference(for: .selfInstructIsClassification)
            var lines: [(customID: String, endpoint: String, body: String)] = []
            for (index, task) in SamplePrompts.seeds.prefix(6).enumerated() {
                let request = try await teacher.prepareCompletion(prompts: [SamplePrompts.isClassification(task)], parameters: parameters)
                lines.append(("si-\(index)", request.path, String(decoding: request.body, as: UTF8.self)))
            }
            let file = try await batches.upload(batchInput: BatchInput.bytes(lines: lines), fileName: "x.jsonl")
            var batch = try await batches.createBatch(inputFileID: file.id, endpoint: "/v1/completions", completionWindow: "24h", metadata: [:])
            let deadline = ContinuousClock.now + .seconds(10)
            while !batch.isFinished && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                batch = try await batches.batch(id: batch.id)
            }
            #expect(batch.status == "expired")
            let answered = try BatchResultLine.parse(file: try await batches.content(ofFile: try #require(batch.outputFileID)), fileName: "o")
            let missing = try BatchResultLine.parse(file: try await batches.content(ofFile: try #require(batch.errorFileID)), fileName: "e")
            #expect(answered.count == 3 && answered.allSatisfy { $0.statusCode == 200 })
            #expect(missing.count == 3 && missing.allSatisfy { $0.errorCode == "batch_expired" && $0.statusCode == nil })
            #expect(Set(answered.map(\.customID) + missing.map(\.customID)) == Set(lines.map(\.customID)))
        }
    }

    @Test func aRejectedKeyStopsTheCallerWithoutTheKey() async throws {
        let wrongKey = "sk-wrong-0123456789abcdef"
        try await withSimulator(Self.configuration(delay: 0.2, key: "sk-right-key-000000000000")) { sim in
            let batches = BatchClient(config: sim.config(apiKey: APIKey(wrongKey)), transport: sim.transport)
            do {
                _ = try await batches.upload(batchInput: Array("{}\n".utf8), fileName: "x.jsonl")
                Issue.record("uploaded with a wrong key")
            } catch let error as TeacherError {
                #expect(error.kind == .credentialsRejected && error.classification == .stopCaller)
                #expect(!"\(error)".contains(wrongKey))
            }
        }
    }
}
