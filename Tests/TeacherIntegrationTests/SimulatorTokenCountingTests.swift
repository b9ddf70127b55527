import SelfInstruct
import Teacher
import Testing

// The simulator reports usage for the whole request, like OpenAI: the probe keeps lists whole and the counts are
// the server's usage, exactly as without a probe.

@Suite("Token counting against the simulator")
struct SimulatorTokenCountingTests {
    @Test func probeChoosesUsageAndCountsAreUnchanged() async throws {
        try await withSimulator { sim in
            let config = sim.config()
            let probed = TeacherClient(config: config, transport: sim.timing, recorder: sim.recorder, tokenCounting: nil)
            let probe = await probed.probeTokenCounting()
            #expect(probe.mode == .usage && probe.decided, "\(probe.reason)")
            #expect(probe.duration < .seconds(5))
            #expect(await sim.recorder.records.isEmpty, "probe calls are no run's calls")

            let prompts = (0..<5).map { SamplePrompts.instructionList(offset: $0) }
            let parameters = SamplingParameters(maxTokens: 120, temperature: 0.7, stop: ["\n16"])
            let before = sim.timing.exchanges.count
            let result = try await probed.completeWithDetails(prompts: prompts, parameters: parameters, stage: "generate")
            #expect(sim.timing.exchanges.count - before == 1, "the five prompts go in one request")
            #expect(result.tokenCountMethod == .usage)

            // A client that never probed (the old behaviour) records the same counts for the same request.
            let reference = try await TeacherClient(config: config, transport: sim.timing, recorder: InMemoryCallRecorder())
                .completeWithDetails(prompts: prompts, parameters: parameters, stage: "generate")
            #expect(result.usage == reference.usage && result.usage != nil)
            let records = await sim.recorder.records
            #expect(records.count == 1 && records[0].tokenCountMethod == .usage)
            #expect(records[0].promptTokens == reference.usage?.promptTokens)
            #expect(records[0].completionTokens == reference.usage?.completionTokens)
        }
    }
}
