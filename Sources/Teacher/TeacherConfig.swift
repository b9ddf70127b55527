// Teacher configuration from a `[String: String]` environment: errors name the variable, the API key
// never appears in a description.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SelfInstruct

/// Everything the teacher client needs to know about the server and its limits.
public struct TeacherConfig: Sendable, Hashable, CustomStringConvertible {
    /// Server root, e.g. `http://127.0.0.1:8000` (a trailing `/v1` is accepted and dropped).
    public var baseURL: String
    /// Default model name sent with every request.
    public var model: String
    /// Bearer token; `nil` for local servers without authentication.
    public var apiKey: APIKey?
    /// PEM file of the CA(s) that sign an https:// server's certificate; nil trusts the system's CA bundle.
    public var caFile: String?
    /// The model's context window (prompt + completion tokens).
    public var contextTokens: Int
    /// Tokens kept free beyond the prompt estimate.
    public var completionMargin: Int
    /// Smallest completion worth requesting before failing the item.
    public var minimumCompletionTokens: Int
    public var connectTimeout: Duration
    /// Total time allowed for one attempt.
    public var requestTimeout: Duration
    public var retry: RetryPolicy
    public var rateLimits: RateLimits
    /// Most parallel connections to the server (HTTP/1.1: one request per connection). A safety cap, not the
    /// parallelism: it defaults to `defaultMaximumConnections`, above any caller's in-flight count, because a lower
    /// cap silently queues requests inside libcurl (64 in flight behind 32 connections halve the request rate).
    public var maximumConnections: Int

    /// The default connection cap.
    public static let defaultMaximumConnections = 256
    public var prices: PriceTable
    /// Part of every cache key, so a changed recipe never reuses old answers.
    public var recipeVersion: String

    public init(
        baseURL: String, model: String, apiKey: APIKey? = nil, caFile: String? = nil, contextTokens: Int = 4096, completionMargin: Int = 64,
        minimumCompletionTokens: Int = 16, connectTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(300),
        retry: RetryPolicy = RetryPolicy(), rateLimits: RateLimits = .unlimited,
        maximumConnections: Int = TeacherConfig.defaultMaximumConnections,
        prices: PriceTable = PriceTable(), recipeVersion: String = "v1"
    ) {
        self.baseURL = Self.normalizedBaseURL(baseURL)
        self.model = model
        self.apiKey = apiKey
        self.caFile = caFile
        self.contextTokens = contextTokens
        self.completionMargin = completionMargin
        self.minimumCompletionTokens = minimumCompletionTokens
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.retry = retry
        self.rateLimits = rateLimits
        self.maximumConnections = maximumConnections
        self.prices = prices
        self.recipeVersion = recipeVersion
    }

    /// The completion budget these settings describe.
    public var budget: CompletionBudget {
        CompletionBudget(contextTokens: contextTokens, safetyMargin: completionMargin, minimumCompletionTokens: minimumCompletionTokens)
    }

    /// One line for the start-up log; the key shows as `[redacted]` (or `none`).
    public var description: String {
        var parts = [
            "url=\(baseURL)", "model=\(model)", "api_key=\(apiKey == nil ? "none" : "[redacted]")",
            "ca_file=\(caFile ?? "system")",
            "context_tokens=\(contextTokens)", "max_attempts=\(retry.maximumAttempts)",
            "connect_timeout=\(connectTimeout)", "timeout=\(requestTimeout)", "max_connections=\(maximumConnections)",
        ]
        if let rpm = rateLimits.requestsPerMinute { parts.append("rpm=\(rpm)") }
        if let tpm = rateLimits.tokensPerMinute { parts.append("tpm=\(tpm)") }
        if let burst = rateLimits.requestBurst { parts.append("rpm_burst=\(burst)") }
        if let burst = rateLimits.tokenBurst { parts.append("tpm_burst=\(burst)") }
        return "TeacherConfig(" + parts.joined(separator: ", ") + ")"
    }

    /// Builds the configuration from `environment`. The key comes from `SI_TEACHER_API_KEY` or from the file
    /// named by `SI_TEACHER_API_KEY_FILE` (read once through `readFile`, surrounding whitespace trimmed).
    public init(
        environment: [String: String],
        readFile: (String) throws -> String = TeacherConfig.readTextFile
    ) throws(TeacherConfigError) {
        func required(_ name: String, _ expected: String) throws(TeacherConfigError) -> String {
            guard let value = environment[name]?.trimmingWhitespace(), !value.isEmpty else {
                throw TeacherConfigError(variable: name, problem: "missing; expected \(expected)")
            }
            return value
        }
        func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(TeacherConfigError) -> Int {
            guard let text = environment[name]?.trimmingWhitespace(), !text.isEmpty else { return fallback }
            guard let value = Int(text), range.contains(value) else {
                throw TeacherConfigError(
                    variable: name, problem: "expected an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        func number(_ name: String) throws(TeacherConfigError) -> Double? {
            guard let text = environment[name]?.trimmingWhitespace(), !text.isEmpty else { return nil }
            guard let value = Double(text), value.isFinite, value >= 0 else {
                throw TeacherConfigError(variable: name, problem: "expected a non-negative number")
            }
            return value
        }

        let url = try required(EnvironmentVariable.teacherURL, "an http:// or https:// URL such as http://127.0.0.1:8000")
        try Self.validate(url: url)
        let model = try required(EnvironmentVariable.teacherModel, "a model name such as gpt-3.5-turbo-instruct")

        let inlineKey = environment[EnvironmentVariable.teacherAPIKey]?.trimmingWhitespace() ?? ""
        let keyFile = environment[EnvironmentVariable.teacherAPIKeyFile]?.trimmingWhitespace() ?? ""
        var apiKey: APIKey?
        switch (inlineKey.isEmpty, keyFile.isEmpty) {
        case (false, false):
            throw TeacherConfigError(variable: EnvironmentVariable.teacherAPIKeyFile, problem: "set either \(EnvironmentVariable.teacherAPIKey) or \(EnvironmentVariable.teacherAPIKeyFile), not both")
        case (false, true):
            apiKey = APIKey(inlineKey)
        case (true, false):
            let content: String
            do {
                content = try readFile(keyFile)
            } catch {
                throw TeacherConfigError(variable: EnvironmentVariable.teacherAPIKeyFile, problem: "cannot read the file \(keyFile)")
            }
            let trimmed = content.trimmingWhitespace()
            guard !trimmed.isEmpty else {
                throw TeacherConfigError(variable: EnvironmentVariable.teacherAPIKeyFile, problem: "the file \(keyFile) is empty")
            }
            apiKey = APIKey(trimmed)
        case (true, true):
            apiKey = nil
        }
        // The key goes into an HTTP header: a control character or non-ASCII byte would corrupt the request
        // (or inject headers). The value itself is never echoed.
        if let key = apiKey, !key.isPrintableASCII {
            let variable = inlineKey.isEmpty ? EnvironmentVariable.teacherAPIKeyFile : EnvironmentVariable.teacherAPIKey
            throw TeacherConfigError(variable: variable, problem: "the API key contains characters other than printable ASCII")
        }

        if apiKey != nil, !Self.isLoopbackOrEncrypted(url) {
            let allowed = environment[EnvironmentVariable.teacherAllowPlaintextKey]?.trimmingWhitespace() ?? ""
            guard allowed == "1" else {
                throw TeacherConfigError(
                    variable: EnvironmentVariable.teacherURL,
                    problem: "the API key would travel unencrypted over http:// to \(Self.host(of: url)), which is not a loopback address; use https:// (see \(EnvironmentVariable.teacherCAFile)) or set \(EnvironmentVariable.teacherAllowPlaintextKey)=1")
            }
        }
        var caFile: String?
        if let path = environment[EnvironmentVariable.teacherCAFile]?.trimmingWhitespace(), !path.isEmpty {
            // Read once here so a wrong path stops the program at start instead of failing every request.
            let content: String
            do {
                content = try readFile(path)
            } catch {
                throw TeacherConfigError(variable: EnvironmentVariable.teacherCAFile, problem: "cannot read the file \(path)")
            }
            guard content.contains("-----BEGIN CERTIFICATE-----") else {
                throw TeacherConfigError(
                    variable: EnvironmentVariable.teacherCAFile, problem: "the file \(path) holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
            }
            caFile = path
        }

        let rpm = try number(EnvironmentVariable.teacherRequestsPerMinute)
        let tpm = try number(EnvironmentVariable.teacherTokensPerMinute)
        let requestBurst = try number(EnvironmentVariable.teacherRequestBurst)
        let tokenBurst = try number(EnvironmentVariable.teacherTokenBurst)
        var prices = PriceTable()
        let promptPrice = try number(EnvironmentVariable.teacherPromptPricePerMillion)
        let completionPrice = try number(EnvironmentVariable.teacherCompletionPricePerMillion)
        prices.prices[model] = TokenPrices.given(promptPerMillion: promptPrice, completionPerMillion: completionPrice)
        self.init(
            baseURL: url, model: model, apiKey: apiKey, caFile: caFile,
            contextTokens: try integer(EnvironmentVariable.teacherContextTokens, default: 4096, range: 128...10_000_000),
            connectTimeout: .seconds(try integer(EnvironmentVariable.teacherConnectTimeoutSeconds, default: 10, range: 1...600)),
            requestTimeout: .seconds(try integer(EnvironmentVariable.teacherTimeoutSeconds, default: 300, range: 1...86_400)),
            retry: RetryPolicy(maximumAttempts: try integer(EnvironmentVariable.teacherMaxAttempts, default: 6, range: 1...100)),
            rateLimits: RateLimits(
                requestsPerMinute: rpm.flatMap { $0 > 0 ? $0 : nil }, tokensPerMinute: tpm.flatMap { $0 > 0 ? $0 : nil },
                requestBurst: requestBurst.flatMap { $0 > 0 ? $0 : nil }, tokenBurst: tokenBurst.flatMap { $0 > 0 ? $0 : nil }),
            maximumConnections: try integer(
                EnvironmentVariable.teacherMaxConnections, default: Self.defaultMaximumConnections, range: 1...1024),
            prices: prices)
    }

    /// Reads a whole file as UTF-8.
    public static func readTextFile(_ path: String) throws -> String {
        let data = try Data(contentsOf: URL(filePath: path))
        return String(decoding: data, as: UTF8.self)
    }

    private static func validate(url: String) throws(TeacherConfigError) {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw TeacherConfigError(variable: EnvironmentVariable.teacherURL, problem: "expected an http:// or https:// URL")
        }
        let afterScheme = url[url.firstRange(of: "://")!.upperBound...]
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty else {
            throw TeacherConfigError(variable: EnvironmentVariable.teacherURL, problem: "expected a host after the scheme")
        }
        // The error deliberately does not repeat the URL: it would carry the credentials.
        guard !authority.contains("@") else {
            throw TeacherConfigError(
                variable: EnvironmentVariable.teacherURL, problem: "credentials in the URL are not allowed; use \(EnvironmentVariable.teacherAPIKey) or \(EnvironmentVariable.teacherAPIKeyFile)")
        }
    }

    /// The host of an http(s) URL without port or brackets, lower-cased (the URL was validated: it has one).
    static func host(of url: String) -> String {
        let afterScheme = url[url.firstRange(of: "://")!.upperBound...]
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close]).lowercased()
        }
        return String(authority.prefix { $0 != ":" }).lowercased()
    }

    /// True for https://, and for http:// to this machine (127.0.0.0/8, ::1, localhost), where a key cannot be
    /// read off the network.
    static func isLoopbackOrEncrypted(_ url: String) -> Bool {
        if url.lowercased().hasPrefix("https://") { return true }
        let host = host(of: url)
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    static func normalizedBaseURL(_ url: String) -> String {
        var trimmed = url.trimmingWhitespace()
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed.hasSuffix("/v1") { trimmed.removeLast(3) }
        return trimmed
    }
}
