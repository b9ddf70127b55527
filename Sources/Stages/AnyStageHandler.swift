public import Logging
public import SelfInstruct
public import Teacher
public import ServiceLifecycle

/// A handler of any stage, so one daemon can run several `StageService`s of different handler types.
public struct AnyStageHandler: StageHandler {
    public let stage: PipelineStage
    public let concurrencyLimit: Int?
    private let body: @Sendable (StageMessage, Logger) async throws -> StageWork
    private let refusal: @Sendable (StageMessage, TeacherError, Logger) async throws -> StageWork?
    private let services: @Sendable (Logger) -> [any Service]

    public init(_ handler: some StageHandler) {
        stage = handler.stage
        concurrencyLimit = handler.concurrencyLimit
        body = { try await handler.handle($0, logger: $1) }
        refusal = { try await handler.refused($0, error: $1, logger: $2) }
        services = { handler.backgroundServices(logger: $0) }
    }

    public func backgroundServices(logger: Logger) -> [any Service] {
        services(logger)
    }

    public func handle(_ message: StageMessage, logger: Logger) async throws -> StageWork {
        try await body(message, logger)
    }

    public func refused(_ message: StageMessage, error: TeacherError, logger: Logger) async throws -> StageWork? {
        try await refusal(message, error, logger)
    }
}
