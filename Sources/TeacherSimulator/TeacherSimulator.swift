import HTTPTypes
import Hummingbird
public import Logging
import NIOCore
import ServiceLifecycle

/// A deterministic OpenAI-compatible teacher served over HTTP (Hummingbird).
///
/// Routes: `POST /v1/completions`, `POST /v1/chat/completions`, `GET /v1/models`, `GET /sim/stats`
/// (request counters), `POST /sim/reset` (clears counters and attempt history), `GET /health`.
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
        router.get("/sim/stats") { _, _ in
            Self.response(SimulatedResponse(status: 200, body: state.statsDocument().serialized))
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
            result = SimulatedResponse(status: 413, body: openAIError(
                message: "Request body larger than \(maxBytes) bytes.", type: "invalid_request_error", code: nil).serialized)
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

    private static func response(_ result: SimulatedResponse) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        for header in result.headers {
            if let name = HTTPField.Name(header.name) { headers[name] = header.value }
        }
        return Response(
            status: HTTPResponse.Status(code: result.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: result.body))
        )
    }
}
