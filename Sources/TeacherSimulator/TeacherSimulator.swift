import FoundationEssentials
import HTTPTypes
import Hummingbird
public import Logging
import NIOCore
import ServiceLifecycle

/// A deterministic OpenAI-compatible teacher served over HTTP (Hummingbird).
///
/// Routes: `POST /v1/completions`, `POST /v1/chat/completions`, `GET /v1/models`, the Files and Batches API
/// (`POST /v1/files`, `GET /v1/files/{id}/content`, `POST /v1/batches`, `GET /v1/batches`,
/// `GET /v1/batches/{id}`, `POST /v1/batches/{id}/cancel`), `GET /sim/stats` (request and batch counters),
/// `POST /sim/reset` (clears counters, attempt history, files and batches), `GET /health`.
public struct TeacherSimulator: Sendable {
    /// The configuration this simulator answers with.
    public let configuration: SimulatorConfiguration
    private let logger: Logger
    private let state = SimulatorState()

    public init(configuration: SimulatorConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Binds host:port (port 0 = ephemeral), calls onServerRunning with the bound port, serves until cancelled
    /// or graceful shutdown.
    public func run(host: String, port: Int, onServerRunning: @escaping @Sendable (Int) async -> Void) async throws {
        try await makeApplication(host: host, port: port, onServerRunning: onServerRunning).run()
    }

    /// Like `run`, and also shuts down gracefully on SIGTERM or SIGINT (for the executable).
    public func runUntilSignalled(host: String, port: Int, onServerRunning: @escaping @Sendable (Int) async -> Void) async throws {
        try await makeApplication(host: host, port: port, onServerRunning: onServerRunning)
            .runService()
    }

    private func makeApplication(
        host: String, port: Int, onServerRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let engine = SimulatorEngine(configuration: configuration, state: state)
        let state = self.state
        let maxBytes = configuration.maxRequestBytes
        let router = Router()

        router.post("/v1/completions") { request, _ in
            await Self.completions(request, chat: false, engine: engine, maxBytes: maxBytes, route: "POST /v1/completions")
        }
        router.post("/v1/chat/completions") { request, _ in
            await Self.completions(request, chat: true, engine: engine, maxBytes: maxBytes, route: "POST /v1/chat/completions")
        }
        router.get("/v1/models") { request, _ in
            let result = engine.models(authorization: request.headers[.authorization])
            state.recordResponse(route: "GET /v1/models", status: result.status)
            return Self.response(result)
        }
        let batches = BatchEngine(engine: engine)
        router.post("/v1/files") { request, _ in
            await Self.withBody(request, maxBytes: maxBytes, route: "POST /v1/files", state: state) { body in
                batches.uploadFile(
                    body: body, contentType: request.headers[.contentType], authorization: request.headers[.authorization], now: Self.now())
            }
        }
        router.get("/v1/files/{id}/content") { request, context in
            Self.recorded(route: "GET /v1/files/{id}/content", state: state) {
                batches.fileContent(id: context.parameters.get("id") ?? "", authorization: request.headers[.authorization])
            }
        }
        router.post("/v1/batches") { request, _ in
            await Self.withBody(request, maxBytes: maxBytes, route: "POST /v1/batches", state: state) { body in
                batches.createBatch(body: body, authorization: request.headers[.authorization], now: Self.now())
            }
        }
        router.get("/v1/batches") { request, _ in
            Self.recorded(route: "GET /v1/batches", state: state) {
                let query = request.uri.queryParameters
                return batches.listBatches(
                    limit: query["limit"].map(String.init), after: query["after"].map(String.init),
                    authorization: request.headers[.authorization], now: Self.now())
            }
        }
        router.get("/v1/batches/{id}") { request, context in
            Self.recorded(route: "GET /v1/batches/{id}", state: state) {
                batches.batch(id: context.parameters.get("id") ?? "", authorization: request.headers[.authorization], now: Self.now())
            }
        }
        router.post("/v1/batches/{id}/cancel") { request, context in
            Self.recorded(route: "POST /v1/batches/{id}/cancel", state: state) {
                batches.cancelBatch(id: context.parameters.get("id") ?? "", authorization: request.headers[.authorization], now: Self.now())
            }
        }
        router.get("/sim/stats") { _, _ in
            // Batches first: bringing them up to date runs their requests, which the counters then include.
            let batchStats = batches.statsDocument(now: Self.now())
            return Self.response(SimulatedResponse(status: 200, body: state.statsDocument(batches: batchStats).serialized))
        }
        router.post("/sim/reset") { _, _ in
            state.reset()
            return Self.response(SimulatedResponse(status: 200, body: "{\"reset\":true}"))
        }
        router.get("/health") { _, _ in
            Self.response(SimulatedResponse(status: 200, body: "{\"status\":\"ok\"}"))
        }

        let logger = self.logger
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "si-teacher-sim"),
            onServerRunning: { channel in
                let boundPort = channel.localAddress?.port ?? port
                logger.info("si-teacher-sim listening", metadata: ["host": "\(host)", "port": "\(boundPort)"])
                await onServerRunning(boundPort)
            },
            logger: logger
        )
    }

    private static func completions(
        _ request: Request, chat: Bool, engine: SimulatorEngine, maxBytes: Int, route: String
    ) async -> Response {
        var result: SimulatedResponse
        do {
            let buffer = try await request.body.collect(upTo: maxBytes)
            result = engine.completions(
                body: Array(buffer.readableBytesView), authorization: request.headers[.authorization], chat: chat)
        } catch {
            result = tooLarge(maxBytes)
        }
        if result.delaySeconds > 0 {
            // A hang or a slow answer; graceful shutdown (or the server's cancellation) ends the wait early.
            let delay = result.delaySeconds
            try? await cancelWhenGracefulShutdown {
                try await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
            }
        }
        engine.state.recordResponse(route: route, status: result.status)
        return response(result)
    }

    /// Answers with `answer(body)`, or 413 when the body exceeds `maxBytes`, and counts the response.
    private static func withBody(
        _ request: Request, maxBytes: Int, route: String, state: SimulatorState, answer: ([UInt8]) -> SimulatedResponse
    ) async -> Response {
        let result: SimulatedResponse
        if let buffer = try? await request.body.collect(upTo: maxBytes) {
            result = answer(Array(buffer.readableBytesView))
        } else {
            result = tooLarge(maxBytes)
        }
        state.recordResponse(route: route, status: result.status)
        return response(result)
    }

    /// Answers with `answer()` and counts the response.
    private static func recorded(route: String, state: SimulatorState, answer: () -> SimulatedResponse) -> Response {
        let result = answer()
        state.recordResponse(route: route, status: result.status)
        return response(result)
    }

    private static func tooLarge(_ maxBytes: Int) -> SimulatedResponse {
        SimulatedResponse(status: 413, body: openAIError(
            message: "Request body larger than \(maxBytes) bytes.", type: "invalid_request_error", code: nil).serialized)
    }

    /// Wall-clock seconds since 1970: batches' timestamps, and the instant their timelines are read at.
    private static func now() -> Double { Date().timeIntervalSince1970 }

    private static func response(_ result: SimulatedResponse) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        for header in result.headers {
            if let name = HTTPField.Name(header.name) { headers[name] = header.value }
        }
        return Response(
            status: HTTPResponse.Status(code: result.status),
            headers: headers,
            body: ResponseBody(byteBuffer: result.bodyBytes.map { ByteBuffer(bytes: $0) } ?? ByteBuffer(string: result.body))
        )
    }
}
