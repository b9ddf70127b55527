public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
public import Logging
public import TeacherSimulator

// The simulated teacher for tests, two ways: in-process on an ephemeral port (`SimulatorHarness.run`, the
// Hummingbird live-test pattern) for tests in the same process, and the built `si-teacher-sim` binary
// (`SimulatorProcess`) for tests that drive other processes. Either way a test talks real HTTP to it.

/// Runs a `TeacherSimulator` in this process.
public enum SimulatorHarness {
    /// Starts a simulator with `configuration` on 127.0.0.1:0, runs `body` with a client for it, then cancels
    /// the server.
    public static func run<T: Sendable>(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(), logLevel: Logger.Level = .critical,
        _ body: (SimulatorClient) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "teacher-sim")
        logger.logLevel = logLevel
        let simulator = TeacherSimulator(configuration: configuration, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await simulator.run(host: "127.0.0.1", port: 0) { port in continuation.yield(port) }
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw SimulatorDidNotStart(output: "") }
            do {
                let result = try await body(SimulatorClient(port: port))
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}

/// The built `si-teacher-sim` as a child process on an ephemeral port.
public final class SimulatorProcess {
    /// The running process (`stop()` ends it; a test may also signal it itself).
    public let process: Process
    /// The address it reported on stdout (`listening http://HOST:PORT`).
    public let url: String

    /// Starts `si-teacher-sim --port 0` plus `arguments` from the build products directory and waits for its
    /// address. `environment` nil inherits this process's; stderr (the simulator's log) goes to `standardError`.
    public init(arguments: [String] = [], environment: [String: String]? = nil, standardError: FileHandle = .nullDevice) throws {
        let binary = BuildProducts.executable("si-teacher-sim")
        guard FileManager.default.fileExists(atPath: binary.path) else {
            throw SimulatorDidNotStart(output: "no \(binary.path): build si-teacher-sim first (swift build)")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--port", "0"] + arguments
        if let environment { process.environment = environment }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = standardError
        try process.run()
        // The first line is the address; nothing else is written to stdout.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        let prefix = "listening "
        guard let first = text.split(separator: "\n").first, first.hasPrefix(prefix + "http://") else {
            process.terminate()
            process.waitUntilExit()
            throw SimulatorDidNotStart(output: text)
        }
        self.process = process
        self.url = String(first.dropFirst(prefix.count))
    }

    /// A client for the simulator's own routes (`/sim/stats`, …).
    public var client: SimulatorClient { SimulatorClient(baseURL: url) }

    /// SIGTERM, then waits for the process to exit.
    public func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

/// The simulator did not report an address.
public struct SimulatorDidNotStart: Error, CustomStringConvertible {
    public var output: String
    public var description: String { "the simulator did not report its address: \(output)" }
}

/// Executables built next to the test bundle (test targets name them as dependencies to have them built).
public enum BuildProducts {
    /// The build products directory: where the test bundle itself is.
    public static var directory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    /// The built executable `name`.
    public static func executable(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }
}

/// An HTTP answer as the test client saw it.
public struct HTTPResult: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as a JSON object (empty when it is not one).
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }

    /// `choices[i].text` (completions) or `choices[i].message.content` (chat).
    public var texts: [String] {
        (json["choices"] as? [[String: Any]] ?? []).map { choice in
            (choice["text"] as? String) ?? ((choice["message"] as? [String: Any])?["content"] as? String) ?? ""
        }
    }

    public var finishReasons: [String] {
        (json["choices"] as? [[String: Any]] ?? []).map { $0["finish_reason"] as? String ?? "" }
    }

    public var usage: [String: Int] {
        json["usage"] as? [String: Int] ?? [:]
    }

    public var errorCode: String? {
        (json["error"] as? [String: Any])?["code"] as? String
    }
}

/// `GET /sim/stats`, decoded.
public struct SimulatorStats: Decodable, Sendable {
    public struct Route: Decodable, Sendable {
        public var total: Int
        public var statuses: [String: Int]
    }

    public var requestsTotal: Int
    public var routes: [String: Route]
    public var statuses: [String: Int]
    public var faults: [String: Int]
    public var distinctBodies: Int

    enum CodingKeys: String, CodingKey {
        case routes, statuses, faults
        case requestsTotal = "requests_total"
        case distinctBodies = "distinct_bodies"
    }

    /// Responses the simulator sent with `status`.
    public func count(status: Int) -> Int { statuses[String(status)] ?? 0 }
    /// Faults of `kind` (`429`, `500`, `503`, `hang`) the simulator injected.
    public func count(fault kind: String) -> Int { faults[kind] ?? 0 }
}

/// A non-2xx answer where a test expected success.
public struct UnexpectedStatus: Error {
    public var status: Int
}

/// Talks HTTP to a simulator through URLSession, a client independent of the product's curl transport.
public struct SimulatorClient: Sendable {
    /// `http://HOST:PORT`, no trailing slash.
    public let baseURL: String

    public init(baseURL: String) {
        self.baseURL = baseURL
    }

    public init(port: Int) {
        self.init(baseURL: "http://127.0.0.1:\(port)")
    }

    public func send(
        _ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:], timeout: TimeInterval = 10
    ) async throws -> HTTPResult {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = timeout
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return HTTPResult(status: http.statusCode, headers: fields, body: data)
    }

    /// POSTs a JSON object built from `fields` (values must be JSON-serialisable).
    public func post(
        _ path: String, _ fields: [String: any Sendable], headers: [String: String] = [:], timeout: TimeInterval = 10
    ) async throws -> HTTPResult {
        let body = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        return try await send("POST", path, body: body, headers: headers, timeout: timeout)
    }

    /// `POST /v1/completions` for `si-sim-1` with `prompt` and `extra` fields.
    public func complete(_ prompt: any Sendable, _ extra: [String: any Sendable] = [:]) async throws -> HTTPResult {
        var fields: [String: any Sendable] = ["model": "si-sim-1", "prompt": prompt]
        fields.merge(extra) { _, new in new }
        return try await post("/v1/completions", fields)
    }

    /// The simulator's counters (`GET /sim/stats`, not counted by the simulator itself).
    public func stats() async throws -> SimulatorStats {
        let response = try await send("GET", "/sim/stats")
        guard response.status == 200 else { throw UnexpectedStatus(status: response.status) }
        return try JSONDecoder().decode(SimulatorStats.self, from: response.body)
    }

    /// Polls the counters until `done` holds (e.g. hung requests have finally answered) or `timeout` passes,
    /// and returns the last reading either way.
    public func stats(within timeout: Duration, until done: (SimulatorStats) -> Bool) async throws -> SimulatorStats {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var latest = try await stats()
        while !done(latest), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            latest = try await stats()
        }
        return latest
    }
}
