import Foundation
import Operations
import ArgumentParser
import SelfInstruct

/// Shared body of the lifecycle verbs.
protocol RunTransitionCommand: AsyncParsableCommand {
    static var command: RunCommand { get }
    var global: GlobalOptions { get }
    var run: String { get }
    /// A new budget for the run (only `resume` has one).
    var budget: RunBudget? { get }
}

extension RunTransitionCommand {
    var budget: RunBudget? { nil }
}

extension RunTransitionCommand {
    func run() async throws {
        do {
            let transition = try await DatabaseAccess.with(application: "sictl-run") { database in
                // The daemons' namespace decides the queue names `start` routes the first tokens to.
                let namespace = ProcessInfo.processInfo.environment[EnvironmentVariable.amqpNamespace].flatMap { $0.isEmpty ? nil : $0 } ?? "si"
                return try await RunControl(database: database, namespace: namespace).apply(Self.command, to: run, budget: budget)
            }
            if global.json {
                print(try ReportJSON.encode(transition))
            } else {
                let tokens = transition.tokensIssued > 0 ? "; \(transition.tokensIssued) generation tokens issued" : ""
                let parked = transition.messagesUnparked > 0 ? "; \(transition.messagesUnparked) parked messages sent again" : ""
                print("run \(transition.runID) (\(transition.name)): \(transition.from.rawValue) -> \(transition.to.rawValue)\(tokens)\(parked)")
            }
        } catch let failure as CommandFailure {
            Console.error("sictl run \(Self.command.rawValue): \(failure)")
            throw ExitCode.failure
        }
    }
}
