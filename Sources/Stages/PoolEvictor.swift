// Keeps si-filter's memory flat across runs: the admission pools of finished and idle runs are dropped.

public import Logging
public import ServiceLifecycle

/// Every `interval`, evicts the instruction filter's pools of finished runs and of runs idle for `idleFor`; a
/// `Service` of `si-filter`.
public final class PoolEvictor: Service {
    private let handler: FilterInstructionsHandler
    private let interval: Duration
    private let idleFor: Duration
    private let logger: Logger

    public init(handler: FilterInstructionsHandler, interval: Duration = .seconds(60), idleFor: Duration = .seconds(900), logger: Logger) {
        self.handler = handler
        self.interval = interval
        self.idleFor = idleFor
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            // Woken by a graceful shutdown too: a minute's sleep would hold up the daemon's exit.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
            if Task.isShuttingDownGracefully { break }
            do {
                let evicted = try await handler.evictPools(idleFor: idleFor)
                if evicted > 0 {
                    logger.info("admission pools evicted", metadata: ["si.evicted": "\(evicted)", "si.pools": "\(handler.cachedPools)"])
                }
            } catch {
                logger.info("pool eviction failed; trying again later", metadata: ["error": "\(error)"])
            }
        }
    }
}
