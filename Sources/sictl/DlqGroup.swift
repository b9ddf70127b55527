import ArgumentParser
import Foundation
import SelfInstruct

struct DlqGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "Inspect and replay dead letters: messages a stage gave up on after its retries.",
        discussion: """
            Examples:
              sictl dlq list demo --stage generate
              sictl dlq replay demo --dry-run
              sictl dlq replay demo
            """,
        subcommands: [DlqList.self, DlqReplay.self]
    )
}

/// The namespace the daemons use, for letters stored without a routing key.
var amqpNamespace: String {
    ProcessInfo.processInfo.environment[EnvironmentVariable.amqpNamespace].flatMap { $0.isEmpty ? nil : $0 } ?? "si"
}
