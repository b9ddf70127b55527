import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing
import TeacherSimulator
import TestSupport

@Suite("Authentication and injected faults")
struct FaultTests {
    @Test func apiKeyIsRequiredWhenConfigured() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(requiredAPIKey: "sk-test-123")) { client in
            let missing = try await client.complete("hi")
            #expect(missing.status == 401)
            #expect((missing.json["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")
            let wrong = try await client.post("/v1/completions", ["model": "si-sim-1", "prompt": "hi"], headers: ["Authorization": "Bearer nope"])
            #expect(wrong.status == 401)
            #expect(wrong.errorCode == "invalid_api_key")
            #expect(!String(decoding: wrong.body, as: UTF8.self).contains("nope"))
            let models = try await client.send("GET", "/v1/models")
            #expect(models.status == 401)
            let right = try await client.post("/v1/completions", ["model": "si-sim-1", "prompt": "hi"], headers: ["Authorization": "Bearer sk-test-123"])
            #expect(right.status == 200)
        }
    }

    @Test func rateLimitCarriesRetryAfter() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(faults: FaultInjection(rate429: 1, retryAfterSeconds: 7))) { client in
            let result = try await client.complete("hi")
            #expect(result.status == 429)
            #expect(result.headers["retry-after"] == "7")
            #expect(result.errorCode == "rate_limit_exceeded")
        }
    }

    @Test(arguments: [(500, "internal_error"), (503, "overloaded")])
    func serverErrors(status: Int, code: String) async throws {
        let faults = status == 500 ? FaultInjection(rate500: 1) : FaultInjection(rate503: 1)
        try await SimulatorHarness.run(SimulatorConfiguration(faults: faults)) { client in
            let result = try await client.complete("hi")
            #expect(result.status == status)
            #expect(result.errorCode == code)
            #expect((result.json["error"] as? [String: Any])?["type"] as? String == "server_error")
        }
    }

    @Test func hangOutlastsAShortClientTimeout() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(faults: FaultInjection(rateHang: 1, hangSeconds: 1.5))) { client in
            let started = ContinuousClock.now
            await #expect(throws: (any Error).self) {
                _ = try await client.post("/v1/completions", ["model": "si-sim-1", "prompt": "hi"], timeout: 0.3)
            }
            #expect(ContinuousClock.now - started < .seconds(1.4))
        }
    }

    @Test func fixedLatencyDelaysAnswers() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(latency: .fixed(milliseconds: 250))) { client in
            let started = ContinuousClock.now
            let result = try await client.complete("hi")
            #expect(result.status == 200)
            #expect(ContinuousClock.now - started >= .milliseconds(250))
        }
    }

    @Test func onlyTheFirstAttemptsOfEachBodyFault() async throws {
        let faults = FaultInjection(rate429: 1, faultsOnlyOnFirstAttempts: 2)
        try await SimulatorHarness.run(SimulatorConfiguration(faults: faults)) { client in
            let statuses = try await (0..<3).asyncMap { _ in try await client.complete("first body").status }
            #expect(statuses == [429, 429, 200])
            let other = try await client.complete("second body")
            #expect(other.status == 429)
            let stats = try await client.stats()
            #expect(stats.faults["429"] == 3)
            #expect(stats.distinctBodies == 2)
        }
    }

    @Test func faultDecisionsAreDeterministicPerSeed() async throws {
        let faults = FaultInjection(rate429: 0.5)
        let bodies = (0..<24).map { "prompt number \($0)" }
        let run: @Sendable () async throws -> [Int] = {
            try await SimulatorHarness.run(SimulatorConfiguration(seed: 3, faults: faults)) { client in
                try await bodies.asyncMap { try await client.complete($0).status }
            }
        }
        let first = try await run()
        #expect(try await run() == first)
        #expect(first.contains(429) && first.contains(200))
    }

    @Test func malformedTextDefeatsTheReferenceParsers() async throws {
        try await SimulatorHarness.run(SimulatorConfiguration(faults: FaultInjection(rateMalformed: 1))) { client in
            let list = try await client.complete(Prompts.instructionList()).texts[0]
            let items = selfInstructItems(list)
            #expect(items.count == 1)
            // Self-Instruct drops an item whose first character is ASCII punctuation.
            #expect(items.allSatisfy { $0.first.map { $0.isPunctuation || $0.isSymbol } == true })
            let alpaca = try await client.complete(Prompts.alpaca())
            #expect(alpacaItems(alpaca.texts[0], finishReason: alpaca.finishReasons[0]).isEmpty)
            let instances = try await client.complete(Prompts.inputFirst("Summarize the following article about honeybees.")).texts[0]
            #expect(parseInstances(instances, classification: false).isEmpty)
            let labels = try await client.complete(Prompts.outputFirst("Classify the sentiment of the given review as positive or negative.")).texts[0]
            #expect(parseInstances(labels, classification: true).isEmpty)
        }
    }

    @Test func truncationReportsLength() async throws {
        try await SimulatorHarness.run { client in
            let clean = try await client.complete(Prompts.instructionList()).texts[0]
            try await SimulatorHarness.run(SimulatorConfiguration(faults: FaultInjection(rateTruncated: 1))) { faulty in
                let cut = try await faulty.complete(Prompts.instructionList())
                #expect(cut.finishReasons == ["length"])
                #expect(cut.texts[0].utf8.count < clean.utf8.count)
                #expect(clean.hasPrefix(cut.texts[0]))
            }
        }
    }

    @Test func wrongNumberingBreaksAlpacaItemsAfterTheSkip() async throws {
        try await SimulatorHarness.run { client in
            let clean = try await client.complete(Prompts.alpaca(), ["stop": ["\n20", "20."]])
            let cleanItems = alpacaItems(clean.texts[0], finishReason: clean.finishReasons[0])
            try await SimulatorHarness.run(SimulatorConfiguration(faults: FaultInjection(rateWrongNumbering: 1))) { faulty in
                let skipped = try await faulty.complete(Prompts.alpaca(), ["stop": ["\n20", "20."]])
                let items = alpacaItems(skipped.texts[0], finishReason: skipped.finishReasons[0])
                #expect(items.count < cleanItems.count)
                #expect(items.count >= 1)
                // Same tasks, only the numbers differ: the surviving items are a prefix of the clean ones.
                #expect(items.map(\.instruction) == Array(cleanItems.prefix(items.count).map(\.instruction)))
                let list = try await faulty.complete(Prompts.instructionList()).texts[0]
                let numbers = list.matches(of: #/\n(\d+)\. /#).compactMap { Int($0.output.1) }
                #expect(zip(numbers, numbers.dropFirst()).contains { $1 != $0 + 1 })
            }
        }
    }

    @Test func gracefulShutdownEndsTheServerAndInFlightHangs() async throws {
        var logger = Logger(label: "sim-shutdown-test")
        logger.logLevel = .warning
        let simulator = TeacherSimulator(
            configuration: SimulatorConfiguration(faults: FaultInjection(rateHang: 1, hangSeconds: 120)), logger: logger)
        // Timed from the trigger to the server's end, so a loaded machine's slow start-up (624 tests start together in
        // CI) does not count; only the shutdown itself does.
        let shutdown = ShutdownClock()
        try await testGracefulShutdown { trigger in
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await simulator.run(host: "127.0.0.1", port: 0) { continuation.yield($0) }
                }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                // A request that would hang for 120 s; the server's shutdown must not wait for it. The client is
                // outside the group, so only the server's own shutdown is timed (the client's 10 s timeout is not).
                // The client is never cancelled: cancelling an in-flight URLSession request can deadlock
                // FoundationNetworking on Linux. It ends on its own (connection closed, or its 5 s timeout).
                let client = Task {
                    _ = try? await SimulatorClient(port: port).post(
                        "/v1/completions", ["model": "si-sim-1", "prompt": "hang please"], timeout: 5)
                }
                try await Task.sleep(for: .milliseconds(500))
                await shutdown.start()
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
                await shutdown.stop()
                await client.value
            }
        }
        // Far below the 120 s hang. Usually well under a second; on a loaded machine the request can reach the
        // server during its shutdown, and the server's connection-close grace (about 10 s) then applies.
        let took = try #require(await shutdown.elapsed)
        #expect(took < .seconds(40))
    }
}

/// The time from a shutdown's trigger to the server's end, recorded from inside the test's task group.
private actor ShutdownClock {
    private var started: ContinuousClock.Instant?
    private(set) var elapsed: Duration?

    func start() { started = .now }
    func stop() { if let started { elapsed = .now - started } }
}

extension Sequence where Element: Sendable {
    /// Maps sequentially with an async transform (requests in order, one at a time).
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
