import Foundation
import TestSupport
import Testing

/// `sictl migrate` without a server: configuration errors name the variable and never show the password.
/// (Migrations against a real server are covered in IntegrationTests.)
@Suite(.timeLimit(.minutes(1))) struct SictlMigrateTests {
    static func run(_ arguments: [String], environment: [String: String]) throws -> SictlDedupTests.Outcome {
        var inherited = ProcessInfo.processInfo.environment
        // deploy/local/test.sh exports the services' own URLs; a test names the ones it means.
        for variable in ["SI_DATABASE_URL", "SI_MIGRATE_DATABASE_URL", "SI_DATABASE_WORKER_ROLE"] { inherited[variable] = nil }
        return try CapturedRun.run(SictlDedupTests.executable, arguments, environment: inherited.merging(environment) { $1 })
    }

    @Test func missingURLNamesTheVariable() throws {
        let outcome = try Self.run(["migrate", "--json"], environment: [:])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.contains("SI_DATABASE_URL is not set"))
    }

    @Test func unreachableServerFailsWithoutThePassword() throws {
        // Port 1 on loopback refuses connections at once.
        let secret = "pw-\(UUID().uuidString)"
        let outcome = try Self.run(["migrate"], environment: ["SI_DATABASE_URL": "postgresql://si:\(secret)@127.0.0.1:1/si"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("postgresql://si:***@127.0.0.1:1/si"))
        #expect(!outcome.stderr.contains(secret))
        #expect(!outcome.stdout.contains(secret))
    }

    @Test func malformedURLIsRejected() throws {
        let outcome = try Self.run(["migrate"], environment: ["SI_DATABASE_URL": "postgresql://si:topsecret@[::1/si"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("SI_DATABASE_URL"))
        #expect(!outcome.stderr.contains("topsecret"))
    }

    @Test func helpMentionsTheVariable() throws {
        let outcome = try Self.run(["migrate", "--help"], environment: [:])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("SI_DATABASE_URL"))
        #expect(outcome.stdout.contains("--json"))
    }
}
