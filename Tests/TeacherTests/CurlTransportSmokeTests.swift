import Logging
import SelfInstruct
import Synchronization
import Testing

@testable import Teacher

/// The one test that goes over real HTTP: libcurl against `LocalHTTPServer` on 127.0.0.1.
@Suite("libcurl transport over real HTTP", .timeLimit(.minutes(1)))
struct CurlTransportSmokeTests {
    static func route(_ request: LocalRequest) -> LocalResponse {
        switch (request.method, request.path) {
        case ("GET", "/hello"):
            return LocalResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Array("hello".utf8))
        case ("GET", "/parallel"):
            return LocalResponse(status: 200, body: Array("ok".utf8), delayMicroseconds: 300_000)
        case ("POST", "/echo"):
            // Echo the body and what the server saw of the request.
            let seen = "\(request.headers["content-type"] ?? "-")|\(request.headers["expect"] ?? "no-expect")"
            return LocalResponse(status: 200, headers: [("Content-Type", "application/json"), ("X-Seen", seen)], body: request.body)
        case ("GET", "/status/429"):
            return LocalResponse(status: 429, headers: [("Retry-After", "7")], body: Array(#"{"error":{"message":"slow down"}}"#.utf8))
        case ("GET", "/status/500"):
            return LocalResponse(status: 500, body: Array("boom".utf8))
        case ("GET", "/slow"):
            return LocalResponse(status: 200, body: Array("late".utf8), delayMicroseconds: 2_000_000)
        case ("POST", "/v1/completions"):
            let body = #"{"choices":[{"text":" B","index":1,"finish_reason":"stop"},{"text":" A","index":0,"finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}"#
            return LocalResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
        default:
            return LocalResponse(status: 404)
        }
    }

    @Test func getPostStatusesTimeoutsCancellationAndShutdown() async throws {
        let server = try LocalHTTPServer(handler: Self.route)
        defer { server.stop() }
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let transport = try CurlTransport(logger: logger)
        let base = server.baseURL

        // GET
        let hello = try await transport.send(HTTPRequest(method: .get, url: base + "/hello"))
        #expect(hello.status == 200)
        #expect(hello.bodyText == "hello")
        #expect(hello.headerValue("content-type") == "text/plain")

        // POST with a JSON body larger than libcurl's 1 KiB Expect threshold, NUL bytes included (COPYPOSTFIELDS
        // with an explicit size, not strlen).
        let json = Array(("{\"prompt\":\"" + String(repeating: "x", count: 5000) + "\"}").utf8) + [0] + Array("tail".utf8)
        let echoed = try await transport.send(
            HTTPRequest(method: .post, url: base + "/echo", headers: [HTTPHeader(name: "Content-Type", value: "application/json")], body: json))
        #expect(echoed.status == 200)
        #expect(echoed.body == json)
        #expect(echoed.headerValue("X-Seen") == "application/json|no-expect")

        // Status codes come back as responses; Retry-After is captured.
        let limited = try await transport.send(HTTPRequest(method: .get, url: base + "/status/429"))
        #expect(limited.status == 429)
        #expect(limited.headerValue("retry-after") == "7")
        let failed = try await transport.send(HTTPRequest(method: .get, url: base + "/status/500"))
        #expect(failed.status == 500 && failed.bodyText == "boom")

        // Many transfers in flight on the one curl thread: 16 × 300 ms server delay in well under 16 × 300 ms.
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<16 {
                group.addTask { try await transport.send(HTTPRequest(method: .get, url: base + "/parallel")).status }
            }
            for try await status in group {
                #expect(status == 200)
            }
        }
        let parallelTime = started.duration(to: .now)
        // One at a time they would take at least 4.8 s; the margin is for a loaded CI machine (2.2 s seen there).
        #expect(parallelTime < .milliseconds(3600))

        // A response slower than the total timeout is a retryable timeout.
        let slowStart = ContinuousClock.now
        await #expect {
            try await transport.send(HTTPRequest(method: .get, url: base + "/slow", timeout: .milliseconds(300)))
        } throws: { error in
            guard let error = error as? TeacherError else { return false }
            return error.kind == .timeout && error.classification == .retryable && error.curlCode == 28
        }
        #expect(slowStart.duration(to: .now) < .milliseconds(1500))

        // Connection refused is a retryable connection failure.
        let closedPort = try unusedLocalPort()
        await #expect {
            try await transport.send(HTTPRequest(method: .get, url: "http://127.0.0.1:\(closedPort)/", connectTimeout: .seconds(2)))
        } throws: { error in
            guard let error = error as? TeacherError else { return false }
            return error.kind == .connectionFailed && error.classification == .retryable
        }

        // Cancelling the awaiting task aborts the transfer promptly.
        let cancelStart = ContinuousClock.now
        let slowTask = Task { try await transport.send(HTTPRequest(method: .get, url: base + "/slow")) }
        try await Task.sleep(for: .milliseconds(100))
        slowTask.cancel()
        await #expect(throws: CancellationError.self) { try await slowTask.value }
        #expect(cancelStart.duration(to: .now) < .milliseconds(1500))

        // The full client over curl: choices split by index, usage recorded.
        let recorder = InMemoryCallRecorder()
        let client = TeacherClient(
            config: TeacherConfig(baseURL: base + "/v1", model: "local", apiKey: APIKey("sk-local")), transport: transport,
            recorder: recorder)
        let choices = try await client.complete(
            prompts: ["first", "second"], parameters: SamplingParameters(maxTokens: 16), stage: "smoke")
        #expect(choices.map { $0.map(\.text) } == [[" A"], [" B"]])
        #expect(await recorder.records.first?.completionTokens == 2)

        // After shutdown nothing is accepted; a second shutdown returns at once.
        await transport.shutdown()
        await #expect {
            try await transport.send(HTTPRequest(method: .get, url: base + "/hello"))
        } throws: { error in
            (error as? TeacherError)?.kind == .shutdown
        }
        await transport.shutdown()
        print("curl smoke: 16 parallel 300 ms requests took \(parallelTime)")
    }

    @Test func shutdownFailsTransfersInFlight() async throws {
        let server = try LocalHTTPServer(handler: Self.route)
        defer { server.stop() }
        let transport = try CurlTransport(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let inFlight = Task { try await transport.send(HTTPRequest(method: .get, url: server.baseURL + "/slow")) }
        try await Task.sleep(for: .milliseconds(100))
        await transport.shutdown()
        await #expect {
            try await inFlight.value
        } throws: { error in
            (error as? TeacherError)?.kind == .shutdown
        }
    }
}
