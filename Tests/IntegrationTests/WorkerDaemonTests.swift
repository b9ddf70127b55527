import Broker
import SelfInstruct
import Foundation
import Store
import TestSupport
import Testing

/// The built si-generate and si-filter binaries: configuration errors, and a clean exit on SIGTERM.
@Suite("Stage daemon executables", .timeLimit(.minutes(1)))
struct WorkerDaemonTests {
    static func executable(_ name: String) -> URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
    }

    /// Starts `name` with exactly `environment` (plus PATH); stdout and stderr go to one pipe.
    static func start(_ name: String, environment: [String: String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = executable(name)
        process.environment = environment.merging(["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return (process, output)
    }

    @Test("a missing or bad variable stops the daemon with status 2 and names the variable, never a secret",
          arguments: [
            ("si-filter", [:], "SI_DATABASE_URL"),
            ("si-filter", ["SI_DATABASE_URL": "postgresql://si:pw-secret-9@h/db", "SI_AMQP_URL": "amqp://h", "SI_CONCURRENCY": "x"],
             "SI_CONCURRENCY"),
            ("si-generate", ["SI_DATABASE_URL": "postgresql://si:pw-secret-9@h/db", "SI_AMQP_URL": "amqp://h"], "SI_TEACHER_URL"),
          ])
    func configurationErrors(name: String, environment: [String: String], variable: String) throws {
        let (process, output) = try Self.start(name, environment: environment)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(text.contains(variable))
        #expect(!text.contains("pw-secret-9"))
    }

    @Test("si-filter refuses a schema that is not migrated, or older than it, with status 1 and what to run")
    func unmigratedSchemaStopsTheDaemon() async throws {
        let amqpURL = try ServiceGate.brokerURL()
        try await ServiceGate.withPrivateSchema { schema in
            // Empty, then migrated to all but the last version: the daemon (as the worker role) never migrates itself.
            for step in 0..<2 {
                if step == 1 { try await schema.migrate(Array(Migration.all.dropLast())) }
                let (process, output) = try Self.start("si-filter", environment: [
                    "SI_DATABASE_URL": schema.url, "SI_AMQP_URL": amqpURL, "SI_AMQP_NAMESPACE": "si-test-\(uniqueSuffix())",
                ])
                // A daemon that started consuming instead would never close the pipe: stop it after 30 s.
                let watchdog = Task {
                    try await Task.sleep(for: .seconds(30))
                    if process.isRunning { process.terminate() }
                }
                let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                watchdog.cancel()
                #expect(process.terminationStatus == 1, "output: \(text)")
                #expect(text.contains("schema not migrated"), "output: \(text)")
                #expect(text.contains("run `sictl migrate` as the schema owner"), "output: \(text)")
                if step == 1 { #expect(text.contains("v\(Migration.all.last?.version ?? 0)"), "output: \(text)") }
            }
        }
    }

    @Test("si-filter consumes its queue and exits 0 on SIGTERM, leaving no consumer behind")
    func sigtermStopsCleanly() async throws {
        let schema = try ServiceGate.privateSchema()
        defer { try? schema.drop() }
        try await schema.migrate()
        let databaseURL = schema.url
        let amqpURL = try ServiceGate.brokerURL()
        let topology = Topology(namespace: "si-test-\(uniqueSuffix())")
        let admin = try ServiceGate.broker()
        defer {
            try? topology.delete(on: admin)
            admin.close()
        }
        try topology.declare(on: admin)
        let (process, output) = try Self.start("si-filter", environment: [
            "SI_DATABASE_URL": databaseURL, "SI_AMQP_URL": amqpURL, "SI_AMQP_NAMESPACE": topology.namespace,
            "SI_CONCURRENCY": "3",
        ])
        let queue = topology.queue(.filterInstructions)
        var consumers = try admin.inspectQueue(queue).consumerCount
        for _ in 0..<100 where consumers == 0 && process.isRunning {
            try await Task.sleep(for: .milliseconds(100))
            consumers = try admin.inspectQueue(queue).consumerCount
        }
        #expect(consumers == 1)
        let stopping = ContinuousClock.now
        process.terminate()  // SIGTERM
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0, "output: \(text)")
        #expect(ContinuousClock.now - stopping < .seconds(10))
        #expect(text.contains("stopped cleanly"))
        #expect(try admin.inspectQueue(queue).consumerCount == 0)
    }
}
