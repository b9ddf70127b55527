import Testing

@testable import Teacher

@Suite("Teacher configuration from the environment")
struct ConfigTests {
    static let secret = "sk-test-0123456789abcdef"
    static let base = ["SI_TEACHER_URL": "http://127.0.0.1:8000/v1/", "SI_TEACHER_MODEL": "tiny"]

    struct UnreadableFile: Error {}

    @Test func minimalEnvironment() throws {
        let config = try TeacherConfig(environment: Self.base)
        #expect(config.baseURL == "http://127.0.0.1:8000")
        #expect(config.model == "tiny")
        #expect(config.apiKey == nil)
        #expect(config.contextTokens == 4096)
        #expect(config.retry.maximumAttempts == 6)
        #expect(config.rateLimits == .unlimited)
    }

    @Test func inlineKeyIsRedactedEverywhere() throws {
        var environment = Self.base
        environment["SI_TEACHER_API_KEY"] = Self.secret
        let config = try TeacherConfig(environment: environment)
        #expect(config.apiKey?.value == Self.secret)
        #expect(config.description.contains("api_key=[redacted]"))
        for text in [config.description, String(describing: config), String(reflecting: config.apiKey!), "\(config.apiKey!)"] {
            #expect(!text.contains(Self.secret))
        }
    }

    @Test func keyFileIsReadOnceAndTrimmed() throws {
        var environment = Self.base
        environment["SI_TEACHER_API_KEY_FILE"] = "/run/secrets/teacher"
        var reads: [String] = []
        let config = try TeacherConfig(environment: environment) { path in
            reads.append(path)
            return "  \(Self.secret)\n"
        }
        #expect(reads == ["/run/secrets/teacher"])
        #expect(config.apiKey?.value == Self.secret)
    }

    @Test func realKeyFile() throws {
        let path = "/tmp/teacher-config-test-\(UInt64.random(in: 0 ... .max)).key"
        let handle = fopen(path, "w")
        fputs("\(Self.secret)\r\n", handle)
        fclose(handle)
        defer { remove(path) }
        let config = try TeacherConfig(environment: Self.base.merging(["SI_TEACHER_API_KEY_FILE": path]) { $1 })
        #expect(config.apiKey?.value == Self.secret)
    }

    static func expectError(_ environment: [String: String], variable: String, readFile: @escaping (String) throws -> String = { _ in "" })
    {
        #expect {
            try TeacherConfig(environment: environment, readFile: readFile)
        } throws: { error in
            guard let error = error as? TeacherConfigError else { return false }
            return error.variable == variable && error.description.hasPrefix(variable) && !error.description.contains(secret)
        }
    }

    @Test func missingVariablesAreNamed() {
        Self.expectError(["SI_TEACHER_MODEL": "m"], variable: "SI_TEACHER_URL")
        Self.expectError(["SI_TEACHER_URL": "http://h"], variable: "SI_TEACHER_MODEL")
    }

    @Test func malformedValuesAreNamed() {
        Self.expectError(Self.base.merging(["SI_TEACHER_URL": "ftp://h"]) { $1 }, variable: "SI_TEACHER_URL")
        Self.expectError(Self.base.merging(["SI_TEACHER_CONTEXT_TOKENS": "lots"]) { $1 }, variable: "SI_TEACHER_CONTEXT_TOKENS")
        Self.expectError(Self.base.merging(["SI_TEACHER_MAX_ATTEMPTS": "0"]) { $1 }, variable: "SI_TEACHER_MAX_ATTEMPTS")
        Self.expectError(Self.base.merging(["SI_TEACHER_RPM": "-3"]) { $1 }, variable: "SI_TEACHER_RPM")
        Self.expectError(Self.base.merging(["SI_TEACHER_RPM_BURST": "many"]) { $1 }, variable: "SI_TEACHER_RPM_BURST")
    }

    @Test func credentialsInTheURLAreRejectedWithoutEchoingThem() {
        Self.expectError(
            Self.base.merging(["SI_TEACHER_URL": "https://user:\(Self.secret)@api.example/v1"]) { $1 }, variable: "SI_TEACHER_URL")
    }

    @Test func keyProblemsNameTheKeyVariables() {
        Self.expectError(
            Self.base.merging(["SI_TEACHER_API_KEY": Self.secret, "SI_TEACHER_API_KEY_FILE": "/k"]) { $1 },
            variable: "SI_TEACHER_API_KEY_FILE")
        Self.expectError(
            Self.base.merging(["SI_TEACHER_API_KEY_FILE": "/missing"]) { $1 }, variable: "SI_TEACHER_API_KEY_FILE",
            readFile: { _ in throw UnreadableFile() })
        Self.expectError(
            Self.base.merging(["SI_TEACHER_API_KEY_FILE": "/empty"]) { $1 }, variable: "SI_TEACHER_API_KEY_FILE",
            readFile: { _ in " \n" })
    }

    @Test("an API key over plain http:// to a host that is not loopback is refused unless allowed", arguments: [
        "http://10.0.0.5:8000", "http://teacher.internal/v1", "http://[fd00::1]:8000", "http://128.0.0.1", "http://127.0.0.1.nip.io",
    ])
    func plaintextKeyToRemoteHostIsRefused(url: String) throws {
        let environment = ["SI_TEACHER_URL": url, "SI_TEACHER_MODEL": "tiny", "SI_TEACHER_API_KEY": Self.secret]
        let error = #expect(throws: TeacherConfigError.self) { try TeacherConfig(environment: environment) }
        #expect(error?.variable == "SI_TEACHER_URL")
        #expect(error?.problem.contains("SI_TEACHER_ALLOW_PLAINTEXT_KEY=1") == true)
        #expect(error?.description.contains(Self.secret) == false)
        // Explicitly allowed, or without a key, the same URL is fine.
        let allowed = try TeacherConfig(environment: environment.merging(["SI_TEACHER_ALLOW_PLAINTEXT_KEY": "1"]) { $1 })
        #expect(allowed.apiKey == APIKey(Self.secret))
        #expect(try TeacherConfig(environment: ["SI_TEACHER_URL": url, "SI_TEACHER_MODEL": "tiny"]).apiKey == nil)
    }

    @Test("an API key may go over http:// to loopback, and over https:// anywhere", arguments: [
        "http://127.0.0.1:8000", "http://127.9.8.7", "http://localhost:8000/v1", "http://LOCALHOST", "http://[::1]:8000",
        "https://api.openai.com/v1", "HTTPS://10.0.0.5",
    ])
    func keyToLoopbackOrOverTLSIsAccepted(url: String) throws {
        let config = try TeacherConfig(environment: ["SI_TEACHER_URL": url, "SI_TEACHER_MODEL": "tiny", "SI_TEACHER_API_KEY": Self.secret])
        #expect(config.apiKey == APIKey(Self.secret))
    }

    @Test("SI_TEACHER_CA_FILE is checked at start: unreadable or not PEM is an error naming it")
    func caFile() throws {
        let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        let environment = Self.base.merging(["SI_TEACHER_URL": "https://teacher.internal", "SI_TEACHER_CA_FILE": "/etc/si/ca.pem"]) { $1 }
        let config = try TeacherConfig(environment: environment, readFile: { _ in pem })
        #expect(config.caFile == "/etc/si/ca.pem")
        #expect(CurlTransport.Configuration(for: config).caFile == "/etc/si/ca.pem")
        #expect(try TeacherConfig(environment: Self.base).caFile == nil)
        Self.expectError(environment, variable: "SI_TEACHER_CA_FILE", readFile: { _ in throw UnreadableFile() })
        Self.expectError(environment, variable: "SI_TEACHER_CA_FILE", readFile: { _ in "not a certificate" })
    }

    @Test func limitsAndPrices() throws {
        let config = try TeacherConfig(
            environment: Self.base.merging([
                "SI_TEACHER_RPM": "600", "SI_TEACHER_TPM": "90000", "SI_TEACHER_CONTEXT_TOKENS": "2048",
                "SI_TEACHER_PRICE_PROMPT_PER_M": "1.5", "SI_TEACHER_PRICE_COMPLETION_PER_M": "2",
            ]) { $1 })
        #expect(config.rateLimits == RateLimits(requestsPerMinute: 600, tokensPerMinute: 90000))
        #expect(config.contextTokens == 2048)
        let bursty = try TeacherConfig(
            environment: Self.base.merging(["SI_TEACHER_RPM": "600", "SI_TEACHER_RPM_BURST": "1", "SI_TEACHER_TPM_BURST": "500"]) { $1 })
        #expect(bursty.rateLimits == RateLimits(requestsPerMinute: 600, requestBurst: 1, tokenBurst: 500))
        let cost = try #require(config.prices.cost(model: "tiny", usage: TokenUsage(promptTokens: 1_000_000, completionTokens: 500_000)))
        #expect(abs(cost - 2.5) < 1e-12)
        #expect(config.prices.cost(model: "other", usage: TokenUsage(promptTokens: 1, completionTokens: 1)) == nil)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct APIKeyCharacterTests {
    @Test(arguments: ["sk-abc\r\nX-Injected: 1", "sk-abc def", "sk-ключ"])
    func keysThatCannotBeAHeaderValueAreRejectedWithoutEchoingThem(key: String) {
        var environment = ConfigTests.base
        environment["SI_TEACHER_API_KEY"] = key
        do {
            _ = try TeacherConfig(environment: environment)
            Issue.record("a key with unsafe characters was accepted")
        } catch {
            #expect(error.variable == "SI_TEACHER_API_KEY")
            #expect(!error.description.contains("sk-"))
        }
    }
}
