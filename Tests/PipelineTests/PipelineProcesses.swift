import Broker
import Foundation
import Store
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real product as separate processes: the simulated teacher (or a real teacher server) and replicas of every
/// stage daemon, started from the binaries built next to this test bundle, over a private PostgreSQL schema and a
/// private broker namespace, driven with the real `sictl`.
final class PipelineProcesses {
    /// What the daemons call: the built simulator with injected faults, or a real server already running.
    enum TeacherServer {
        case simulator(faults: String, environment: [String: String] = [:])
        case real(url: String, model: String, contextTokens: Int)
    }

    typealias Outcome = CapturedRun

    let binaries: URL
    let directory: URL
    let shardsDirectory: URL
    let databaseURL: String
    let amqpURL: String
    let namespace: String
    private let schema: PrivateSchema
    private(set) var teacherURL = ""
    private(set) var teacherModel = "si-sim-1"
    /// Further SI_TEACHER_* settings of a real teacher.
    private var teacherSettings: [String: String] = [:]
    private var simulator: SimulatorProcess?
    /// Running stage daemons, by executable name.
    private(set) var workers: [(stage: String, process: Process)] = []
    private var started = 0
    /// Extra variables for the daemons started from now on (a wrong API key, a short outage limit…).
    var workerEnvironment: [String: String] = [:]

    /// Stage daemons of a recipe.
    static func stages(recipe: String) -> [String] {
        recipe == "alpaca" ? ["si-generate", "si-filter", "si-shards"]
            : ["si-generate", "si-filter", "si-classify", "si-instances", "si-shards"]
    }

    /// Private schema (migrated by `sictl migrate`), namespace, directory and a simulator with `faults` (and
    /// `simulatorEnvironment` added to its environment, e.g. an API key it requires).
    convenience init(faults: String, simulatorEnvironment: [String: String] = [:]) throws {
        try self.init(teacher: .simulator(faults: faults, environment: simulatorEnvironment))
    }

    /// Private schema (migrated by `sictl migrate`), namespace, directory, and the teacher: a simulator started
    /// here, or a real server named by its URL.
    init(teacher: TeacherServer) throws {
        // Both servers configured (or the test cancelled, or failed) before anything is made.
        _ = try ServiceGate.databaseURL()
        amqpURL = try ServiceGate.brokerURL()
        let suffix = uniqueSuffix()
        binaries = BuildProducts.directory
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("si-pipeline-\(suffix)")
        shardsDirectory = directory.appendingPathComponent("shards")
        try FileManager.default.createDirectory(at: shardsDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("logs"), withIntermediateDirectories: true)
        schema = try ServiceGate.privateSchema(prefix: "si_pipe")
        databaseURL = schema.url
        namespace = "si-pipe-\(suffix)"
        switch teacher {
        case .simulator(let faults, let environment):
            try startSimulator(faults: faults, environment: environment)
        case .real(let url, let model, let contextTokens):
            teacherURL = url
            teacherModel = model
            teacherSettings["SI_TEACHER_CONTEXT_TOKENS"] = String(contextTokens)
            // A server on a few CPU cores queues requests behind its slots; waiting there is not a failure.
            teacherSettings["SI_TEACHER_TIMEOUT_S"] = "900"
        }
        // The schema owner migrates and grants; the daemons and every other sictl call use the worker role.
        let migrate = try sictl(["migrate"], extra: schema.migrationEnvironment)
        guard migrate.status == 0 else { throw Failure("sictl migrate failed: \(migrate.stderr)") }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// What every process gets: the private schema and namespace, the teacher, the shards directory.
    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["SI_DATABASE_URL"] = databaseURL
        // Only `sictl migrate` gets the owner's URL (sictl(_:extra:)); not the services' own, exported by test.sh.
        environment["SI_MIGRATE_DATABASE_URL"] = nil
        environment["SI_DATABASE_WORKER_ROLE"] = nil
        environment["SI_AMQP_URL"] = amqpURL
        environment["SI_AMQP_NAMESPACE"] = namespace
        environment["SI_TEACHER_URL"] = teacherURL
        environment["SI_TEACHER_MODEL"] = teacherModel
        environment.merge(teacherSettings) { _, setting in setting }
        environment["SI_SHARDS_DIR"] = shardsDirectory.path
        environment["SI_CONCURRENCY"] = "4"
        environment["SI_LOG_LEVEL"] = "info"
        // Short client backoff: faults are injected on purpose and the test should not sleep through them.
        environment["SI_TEACHER_MAX_ATTEMPTS"] = "8"
        return environment
    }

    private func startSimulator(faults: String, environment extra: [String: String]) throws {
        let simulator = try SimulatorProcess(
            arguments: ["--seed", "7"] + (faults.isEmpty ? [] : ["--faults", faults]),
            environment: extra.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(extra) { $1 },
            standardError: try logFile("si-teacher-sim"))
        self.simulator = simulator
        teacherURL = simulator.url
    }

    private func logFile(_ name: String) throws -> FileHandle {
        let url = directory.appendingPathComponent("logs/\(name).log")
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        return try FileHandle(forWritingTo: url)
    }

    /// Starts one more replica of `stage`.
    @discardableResult
    func startWorker(_ stage: String) throws -> Process {
        started += 1
        let process = Process()
        process.executableURL = binaries.appendingPathComponent(stage)
        process.environment = environment.merging(workerEnvironment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try logFile("\(stage)-\(started)")
        try process.run()
        workers.append((stage, process))
        return process
    }

    /// `replicas` of each stage daemon of `recipe` (one `si-shards` unless `shardReplicas` says otherwise).
    func startStages(recipe: String, replicas: Int, shardReplicas: Int? = nil) throws {
        for stage in Self.stages(recipe: recipe) {
            for _ in 0..<(stage == "si-shards" ? shardReplicas ?? replicas : replicas) { try startWorker(stage) }
        }
    }

    /// SIGKILLs worker `index` and forgets it.
    func kill(workerAt index: Int) -> String {
        let (stage, process) = workers.remove(at: index)
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return stage
    }

    /// Runs the built `sictl` with this pipeline's environment.
    func sictl(_ arguments: [String], extra: [String: String] = [:]) throws -> Outcome {
        try CapturedRun.run(binaries.appendingPathComponent("sictl"), arguments, environment: environment.merging(extra) { $1 })
    }

    /// One connection to the private schema, reopened after a failure (a killed worker never shares it).
    private var observer: PGConnection?

    /// A single value from the private schema.
    func query<Value: SQLDecodable>(_ sql: String, column: String, as type: Value.Type) throws -> Value {
        do {
            let connection = try observer ?? PGConnection.connect(url: databaseURL)
            observer = connection
            return try connection.execute(sql).singleRow().decode(column, as: Value.self)
        } catch {
            observer?.close()
            observer = nil
            throw error
        }
    }

    /// Creates and starts a run from `seeds` (`options` go to `run create` as they are).
    func createAndStart(name: String, recipe: String, seeds: String, target: Int, concurrency: Int, options: [String] = []) throws {
        let created = try sictl(["run", "create", "--name", name, "--recipe", recipe, "--seeds", seeds,
                                 "--target", String(target), "--concurrency", String(concurrency), "--seed", "11"] + options)
        guard created.status == 0 else { throw Failure("run create: \(created.stderr)") }
        let start = try sictl(["run", "start", name])
        guard start.status == 0 else { throw Failure("run start: \(start.stderr)") }
    }

    /// Polls until the run is completed; `tick` runs between polls (the crash test kills workers there).
    /// Throws with the run's progress and the last log lines when `timeout` passes or a daemon dies on its own.
    func waitUntilCompleted(name: String, timeout: Duration, tick: () throws -> Void = {}) throws {
        let deadline = ContinuousClock.now + timeout
        var lastProblem = ""
        while ContinuousClock.now < deadline {
            // A failed poll (the machine is busy, a connection timed out) is not the run failing: poll again.
            let status: String
            do {
                status = try query("SELECT status FROM runs WHERE name = '\(name)'", column: "status", as: String.self)
            } catch {
                lastProblem = "last poll failed: \(error)"
                usleep(500_000)
                continue
            }
            if status == "completed" { return }
            if status != "running" { throw Failure("run \(name) is \(status)\n\(diagnostics())") }
            if let dead = workers.first(where: { !$0.process.isRunning }) {
                throw Failure("\(dead.stage) exited with status \(dead.process.terminationStatus)\n\(diagnostics())")
            }
            try tick()
            usleep(300_000)
        }
        throw Failure("run \(name) did not complete within \(timeout); \(lastProblem)\n\(diagnostics())")
    }

    /// Polls until the run's status is `status`; returns how long that took. Throws with diagnostics on timeout.
    @discardableResult
    func waitForStatus(name: String, status wanted: String, timeout: Duration) throws -> Duration {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < timeout {
            let status = try? query("SELECT status FROM runs WHERE name = '\(name)'", column: "status", as: String.self)
            if status == wanted { return ContinuousClock.now - started }
            usleep(100_000)
        }
        throw Failure("run \(name) did not become \(wanted) within \(timeout)\n\(diagnostics())")
    }

    /// SIGTERMs every stage daemon and waits for them (the simulator stays).
    func stopWorkers() {
        for (_, process) in workers where process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + .seconds(30)
        while workers.contains(where: \.process.isRunning) && ContinuousClock.now < deadline { usleep(100_000) }
        for (_, process) in workers where process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        for (_, process) in workers { process.waitUntilExit() }
        workers = []
    }

    /// Every daemon log's text, for checks that a secret never appears.
    func allLogs() -> String {
        let logs = directory.appendingPathComponent("logs")
        return ((try? FileManager.default.contentsOfDirectory(atPath: logs.path)) ?? []).sorted().map {
            (try? String(contentsOf: logs.appendingPathComponent($0), encoding: .utf8)) ?? ""
        }.joined(separator: "\n")
    }

    /// Progress and the tail of every log, for failure messages.
    func diagnostics() -> String {
        var text = (try? sictl(["status"]).stdout) ?? ""
        let logs = directory.appendingPathComponent("logs")
        for file in ((try? FileManager.default.contentsOfDirectory(atPath: logs.path)) ?? []).sorted() {
            let content = (try? String(contentsOf: logs.appendingPathComponent(file), encoding: .utf8)) ?? ""
            let lines = content.split(separator: "\n").filter { $0.contains("error") || $0.contains("warning") }.suffix(5)
            if !lines.isEmpty { text += "\n== \(file)\n" + lines.joined(separator: "\n") }
        }
        return text
    }

    /// SIGTERM to every process, SIGKILL after 30 s; then the schema, the queues and the directory go.
    func shutdown() {
        let all = workers.map(\.process) + (simulator.map { [$0.process] } ?? [])
        for process in all where process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + .seconds(30)
        while all.contains(where: \.isRunning) && ContinuousClock.now < deadline { usleep(100_000) }
        for process in all where process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        for process in all { process.waitUntilExit() }
        workers = []
        observer?.close()
        observer = nil
        try? schema.drop()
        if let broker = try? AMQPConnection.connect(url: amqpURL) {
            try? Topology(namespace: namespace).delete(on: broker)
            broker.close()
        }
        if ProcessInfo.processInfo.environment["SI_TEST_KEEP_PIPELINE"] == nil {
            try? FileManager.default.removeItem(at: directory)
        }
    }
}

/// The repository's example seeds (20 self-instruct tasks written for this project).
var exampleSeedsPath: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/seed_tasks.jsonl").path
}
