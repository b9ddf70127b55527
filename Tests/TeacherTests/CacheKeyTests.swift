import SelfInstruct
import Testing

@testable import Teacher

@Suite("Canonical JSON and request keys")
struct CacheKeyTests {
    @Test func objectKeysAreSortedAndCompact() {
        let value = CanonicalJSON.object(["b": .integer(1), "a": .array([.bool(true), .null]), "c": .string("x")])
        #expect(value.text == #"{"a":[true,null],"b":1,"c":"x"}"#)
    }

    @Test func stringsEscapeOnlyWhatJSONRequires() {
        let value = CanonicalJSON.string("say \"hi\"\\\n\t\u{01}é中")
        #expect(value.text == #""say \"hi\"\\\n\t\u0001é中""#)
    }

    @Test func numbersHaveOneSpelling() {
        #expect(CanonicalJSON.number(1.0).text == "1")
        #expect(CanonicalJSON.number(-100).text == "-100")
        #expect(CanonicalJSON.number(0.7).text == "0.7")
        #expect(CanonicalJSON.number(.nan).text == "null")
    }

    static let parameters = SamplingParameters(
        maxTokens: 3072, temperature: 1, topP: 1, stop: ["\n20", "20.", "20."], n: 1, logitBias: [50256: -100])

    @Test func keyIsSHA256OfTheCanonicalText() {
        let key = RequestKey.completions(model: "m", prompts: ["p"], parameters: Self.parameters, recipeVersion: "v1")
        #expect(key.hex == SHA256.hexDigest(of: key.canonicalText))
        #expect(key.hex.count == 64)
        #expect(key.canonicalText.contains(#""logit_bias":{"50256":-100}"#))
    }

    @Test func sameRequestBuiltInAnotherOrderHasTheSameKey() {
        var a = SamplingParameters(maxTokens: 10)
        a.logitBias = [1: 5, 2: -5, 3: 0, 4: 100]
        a.temperature = 0.7
        var b = SamplingParameters(maxTokens: 10, temperature: 0.7)
        for (token, bias) in [(4, 100), (3, 0), (2, -5), (1, 5)] { b.logitBias[token] = bias }
        let keyA = RequestKey.completions(model: "m", prompts: ["x", "y"], parameters: a, recipeVersion: "v1")
        let keyB = RequestKey.completions(model: "m", prompts: ["x", "y"], parameters: b, recipeVersion: "v1")
        #expect(keyA == keyB)
    }

    @Test func everyComponentChangesTheKey() {
        let base = RequestKey.completions(model: "m", prompts: ["p"], parameters: Self.parameters, recipeVersion: "v1")
        var hotter = Self.parameters
        hotter.temperature = 0.9
        var seeded = Self.parameters
        seeded.seed = 1
        let variants = [
            RequestKey.completions(model: "m2", prompts: ["p"], parameters: Self.parameters, recipeVersion: "v1"),
            RequestKey.completions(model: "m", prompts: ["p "], parameters: Self.parameters, recipeVersion: "v1"),
            RequestKey.completions(model: "m", prompts: ["p", "q"], parameters: Self.parameters, recipeVersion: "v1"),
            RequestKey.completions(model: "m", prompts: ["p"], parameters: hotter, recipeVersion: "v1"),
            RequestKey.completions(model: "m", prompts: ["p"], parameters: seeded, recipeVersion: "v1"),
            RequestKey.completions(model: "m", prompts: ["p"], parameters: Self.parameters, recipeVersion: "v2"),
            RequestKey.chat(
                model: "m", messages: [ChatMessage(role: .user, content: "p")], parameters: Self.parameters, recipeVersion: "v1"),
        ]
        for variant in variants {
            #expect(variant != base)
        }
        #expect(Set(variants.map(\.hex)).count == variants.count)
    }

    @Test func promptOrderMatters() {
        let ab = RequestKey.completions(model: "m", prompts: ["a", "b"], parameters: Self.parameters, recipeVersion: "v1")
        let ba = RequestKey.completions(model: "m", prompts: ["b", "a"], parameters: Self.parameters, recipeVersion: "v1")
        #expect(ab != ba)
    }

    @Test func inMemoryCacheRoundTrip() async {
        let cache = InMemoryResponseCache()
        let key = RequestKey.completions(model: "m", prompts: ["p"], parameters: Self.parameters, recipeVersion: "v1")
        #expect(await cache.lookup(key) == nil)
        await cache.store(CachedResponse(body: [1, 2, 3], model: "m"), for: key)
        #expect(await cache.lookup(key)?.body == [1, 2, 3])
        #expect(await cache.hits == 1)
    }
}

/// Keys already stored in response caches: their bytes must not change when the code that builds them does.
@Suite("Request key bytes are stable")
struct RequestKeyStabilityTests {
    @Test func completionsKeyOfTheAlpacaReferenceParameters() throws {
        let key = RequestKey.completions(
            model: "text-davinci-003", prompts: ["List 20 tasks:\n1.", "say \"hi\"\u{2028}\\ \u{01}é中"],
            parameters: SamplingParameters.reference(for: .alpacaInstructions), recipeVersion: "v1")
        #expect(key.canonicalText == #"{"endpoint":"completions","model":"text-davinci-003","parameters":{"frequency_penalty":0,"logit_bias":{"50256":-100},"max_tokens":3072,"n":1,"presence_penalty":0,"stop":["\n20","20.","20."],"temperature":1,"top_p":1},"prompts":["List 20 tasks:\n1.","say \"hi\"\#u{2028}\\ \u0001é中"],"recipe_version":"v1"}"#)
        #expect(key.hex == "7a877cbdff1c7bf3e5f69c87e073a9168b337a63504ea80ccddb54373b042894")
    }

    @Test func chatKeyWithEveryOptionalSet() throws {
        let key = RequestKey.chat(
            model: "m", messages: [ChatMessage(role: .system, content: "be brief"), ChatMessage(role: .user, content: "hi")],
            parameters: SamplingParameters(maxTokens: 7, temperature: 0.7, topP: 0.5, frequencyPenalty: -0.25, presencePenalty: 2, stop: ["\n\n", "Task:"], logprobs: 1, n: 2, bestOf: 3, logitBias: [50256: -100, 7: 5], seed: UInt64.max), recipeVersion: "v2")
        #expect(key.canonicalText == #"{"endpoint":"chat","messages":[{"content":"be brief","role":"system"},{"content":"hi","role":"user"}],"model":"m","parameters":{"best_of":3,"frequency_penalty":-0.25,"logit_bias":{"50256":-100,"7":5},"logprobs":1,"max_tokens":7,"n":2,"presence_penalty":2,"seed":-1,"stop":["\n\n","Task:"],"temperature":0.7,"top_p":0.5},"recipe_version":"v2"}"#)
        #expect(key.hex == "2bdd286c54cfd1b912b2f08e039f96d62f4c6f22d101a6874837f25f2152ffd6")
    }
}
