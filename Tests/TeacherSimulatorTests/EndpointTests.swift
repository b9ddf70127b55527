import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TeacherSimulator
import TestSupport

@Suite("Endpoints over HTTP")
struct EndpointTests {
    @Test func modelsListsConfiguredModels() async throws {
        let ids = try await SimulatorHarness.run(SimulatorConfiguration(models: ["teacher-a", "teacher-b"])) { client in
            let result = try await client.send("GET", "/v1/models")
            #expect(result.status == 200)
            return (result.json["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }
        #expect(ids == ["teacher-a", "teacher-b"])
    }

    @Test func completionHasOpenAIShapeAndConsistentUsage() async throws {
        try await SimulatorHarness.run { client in
            let prompts = [Prompts.instructionList(), "Tell me something nice."]
            let result = try await client.complete(prompts, ["max_tokens": 600])
            #expect(result.status == 200)
            #expect(result.headers["content-type"] == "application/json")
            #expect(result.json["object"] as? String == "text_completion")
            #expect((result.json["id"] as? String)?.hasPrefix("cmpl-") == true)
            let texts = result.texts
            #expect(texts.count == 2)
            #expect(texts.allSatisfy { !$0.isEmpty })
            let usage = result.usage
            #expect(usage["prompt_tokens"] == prompts.map { SimulatedTokenizer.count($0) }.reduce(0, +))
            #expect(usage["completion_tokens"] == texts.map { SimulatedTokenizer.count($0) }.reduce(0, +))
            #expect(usage["total_tokens"] == usage["prompt_tokens"]! + usage["completion_tokens"]!)
        }
    }

    @Test func chatCompletionAnswersTheLastUserMessage() async throws {
        try await SimulatorHarness.run { client in
            let result = try await client.post("/v1/chat/completions", [
                "model": "si-sim-1",
                "messages": [
                    ["role": "system", "content": "You are a helpful assistant."],
                    ["role": "user", "content": Prompts.isClassification("Classify the sentiment of the review as positive or negative.")],
                ],
                "temperature": 0,
            ])
            #expect(result.status == 200)
            #expect(result.json["object"] as? String == "chat.completion")
            let message = (result.json["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any]
            #expect(message?["role"] as? String == "assistant")
            #expect(message?["content"] as? String == "Yes")
            #expect(result.usage["prompt_tokens"] == SimulatedTokenizer.count("You are a helpful assistant.")
                + SimulatedTokenizer.count(Prompts.isClassification("Classify the sentiment of the review as positive or negative.")))
        }
    }

    @Test func unknownModelIsNotFound() async throws {
        try await SimulatorHarness.run { client in
            let result = try await client.post("/v1/completions", ["model": "gpt-nonexistent", "prompt": "hi"])
            #expect(result.status == 404)
            #expect(result.errorCode == "model_not_found")
        }
    }

    @Test func malformedJSONIsABadRequest() async throws {
        try await SimulatorHarness.run { client in
            let result = try await client.send("POST", "/v1/completions", body: Data("{not json".utf8))
            #expect(result.status == 400)
            let error = result.json["error"] as? [String: Any]
            #expect(error?["type"] as? String == "invalid_request_error")
            #expect(error?["message"] is String)
        }
    }

    @Test func contextLengthIsEnforcedLikeOpenAI() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(contextTokens: 100)) { client in
            let prompt = String(repeating: "word ", count: 60)  // 300 bytes = 75 tokens
            let fits = try await client.complete(prompt, ["max_tokens": 25])
            #expect(fits.status == 200)
            let tooLong = try await client.complete(prompt, ["max_tokens": 26])
            #expect(tooLong.status == 400)
            #expect(tooLong.errorCode == "context_length_exceeded")
            let message = (tooLong.json["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("maximum context length is 100 tokens"))
            #expect(message.contains("101 tokens"))
        }
    }

    @Test func statsCountRequestsPerRouteAndStatus() async throws {
        try await SimulatorHarness.run { client in
            let before = try await client.stats()
            #expect(before.requestsTotal == 0)
            _ = try await client.complete("Hello there")
            _ = try await client.complete("Hello again")
            _ = try await client.send("GET", "/v1/models")
            _ = try await client.post("/v1/completions", ["model": "missing", "prompt": "x"])
            let after = try await client.stats()
            #expect(after.requestsTotal == 4)
            #expect(after.routes["POST /v1/completions"]?.total == 3)
            #expect(after.routes["POST /v1/completions"]?.statuses["404"] == 1)
            #expect(after.routes["GET /v1/models"]?.total == 1)
            #expect(after.statuses["200"] == 3)
            _ = try await client.send("POST", "/sim/reset")
            #expect(try await client.stats().requestsTotal == 0)
        }
    }
}

@Suite("Sampling parameters")
struct SamplingTests {
    @Test func sameRequestAndSeedGiveSameBytes() async throws {
        let prompt = Prompts.instructionList()
        let (first, second) = try await SimulatorHarness.run(SimulatorConfiguration(seed: 7)) { client in
            (try await client.complete(prompt, ["temperature": 0.7]).body, try await client.complete(prompt, ["temperature": 0.7]).body)
        }
        let fresh = try await SimulatorHarness.run(SimulatorConfiguration(seed: 7)) { client in
            try await client.complete(prompt, ["temperature": 0.7]).body
        }
        #expect(first == second)
        #expect(first == fresh)
        let otherSeed = try await SimulatorHarness.run(SimulatorConfiguration(seed: 8)) { client in
            try await client.complete(prompt, ["temperature": 0.7]).texts
        }
        #expect(otherSeed != HTTPResult(status: 200, headers: [:], body: first).texts)
    }

    @Test func requestSeedReplacesServerSeed() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(seed: 1)) { client in
            let prompt = Prompts.instructionList()
            let a = try await client.complete(prompt, ["seed": 11]).texts
            let b = try await client.complete(prompt, ["seed": 12]).texts
            let c = try await client.complete(prompt, ["seed": 11]).texts
            #expect(a == c)
            #expect(a != b)
        }
    }

    @Test func temperatureZeroRepeatsAndPositiveTemperatureVaries() async throws {
        try await SimulatorHarness.run { client in
            let prompt = Prompts.instructionList()
            let greedy = try await client.complete(prompt, ["n": 3, "temperature": 0]).texts
            #expect(greedy.count == 3)
            #expect(Set(greedy).count == 1)
            let sampled = try await client.complete(prompt, ["n": 3, "temperature": 0.9]).texts
            #expect(Set(sampled).count == 3)
        }
    }

    @Test func choicesArePromptMajorWithIndices() async throws {
        try await SimulatorHarness.run { client in
            let prompts = [Prompts.isClassification("Write a poem about spring."), Prompts.instructionList()]
            let result = try await client.complete(prompts, ["n": 2])
            let choices = result.json["choices"] as? [[String: Any]] ?? []
            #expect(choices.compactMap { $0["index"] as? Int } == [0, 1, 2, 3])
            #expect(Array(result.texts[0...1]) == [" No", " No"])
            #expect(result.texts[2...3].allSatisfy { selfInstructItems($0).count >= 3 })
        }
    }

    @Test func stopCutsBeforeTheFirstStopString() async throws {
        try await SimulatorHarness.run { client in
            let prompt = Prompts.instructionList()
            let full = try await client.complete(prompt).texts[0]
            let cut = try await client.complete(prompt, ["stop": ["\n", "no-such-stop"]])
            #expect(cut.texts[0] == String(full.prefix { $0 != "\n" }))
            #expect(cut.finishReasons == ["stop"])
            let single = try await client.complete(prompt, ["stop": "\n12"])
            #expect(!single.texts[0].contains("\n12"))
            #expect(full.hasPrefix(single.texts[0]))
        }
    }

    @Test func maxTokensCutsAndReportsLength() async throws {
        try await SimulatorHarness.run { client in
            let prompt = Prompts.instructionList()
            let full = try await client.complete(prompt).texts[0]
            let short = try await client.complete(prompt, ["max_tokens": 5])
            #expect(short.finishReasons == ["length"])
            #expect(short.usage["completion_tokens"]! <= 5)
            #expect(full.hasPrefix(short.texts[0]))
            #expect(short.texts[0].utf8.count > 12)
            let roomy = try await client.complete(prompt, ["max_tokens": 4000])
            #expect(roomy.finishReasons == ["stop"])
            #expect(roomy.texts[0] == full)
        }
    }
}

@Suite("Tokenizer and configuration strings")
struct PureTests {
    @Test(arguments: [("", 0), ("abcd", 1), ("abcde", 2), ("été", 2), ("日本語", 3)])
    func tokenCountIsUTF8BytesOverFourRoundedUp(text: String, expected: Int) {
        #expect(SimulatedTokenizer.count(text) == expected)
    }

    @Test func prefixFitsTheBudgetOnScalarBoundaries() {
        let text = "ab日本語cd"  // 2 + 9 + 2 bytes
        let cut = SimulatedTokenizer.prefix(text, maxTokens: 2)  // 8 bytes: "ab" + two CJK scalars
        #expect(cut == "ab日本")
        #expect(SimulatedTokenizer.count(cut) <= 2)
        #expect(SimulatedTokenizer.prefix(text, maxTokens: 100) == Substring(text))
    }

    @Test func latencySpecs() throws {
        #expect(try LatencyModel(spec: "none") == .none)
        #expect(try LatencyModel(spec: "fixed:250") == .fixed(milliseconds: 250))
        #expect(try LatencyModel(spec: "uniform:10:50") == .uniform(min: 10, max: 50))
        #expect(try LatencyModel(spec: "lognormal:200:0.5") == .lognormal(medianMilliseconds: 200, sigma: 0.5))
        #expect(throws: SimulatorSpecError.self) { try LatencyModel(spec: "fixed") }
        #expect(throws: SimulatorSpecError.self) { try LatencyModel(spec: "gaussian:1:2") }
    }

    @Test func faultSpecs() throws {
        let faults = try FaultInjection(spec: "429=0.25,retry-after=3,503=0.1,hang=0.05,hang-seconds=2,first-attempts=2")
        #expect(faults.rate429 == 0.25)
        #expect(faults.retryAfterSeconds == 3)
        #expect(faults.rate503 == 0.1)
        #expect(faults.rateHang == 0.05)
        #expect(faults.hangSeconds == 2)
        #expect(faults.faultsOnlyOnFirstAttempts == 2)
        #expect(faults.rate500 == 0)
        #expect(throws: SimulatorSpecError.self) { try FaultInjection(spec: "429=1.5") }
        #expect(throws: SimulatorSpecError.self) { try FaultInjection(spec: "teapot=0.1") }
    }
}
