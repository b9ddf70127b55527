import Store
import TestSupport
import Testing

/// Least privilege (issue 13): the schema owner migrates and grants; the worker role, which the daemons and sictl's
/// data verbs use, reads and writes rows and can change no schema. Needs the two roles of deploy/local/services.sh
/// (`SI_TEST_MIGRATE_DATABASE_URL`, `SI_TEST_DATABASE_WORKER_ROLE`).
@Suite("Owner and worker database roles", .timeLimit(.minutes(2)))
struct DatabaseRolesTests {
    /// A private schema migrated by the owner, and a connection to it as the worker role.
    private func withWorker(_ body: (PrivateSchema, PGConnection) async throws -> Void) async throws {
        _ = try ServiceGate.twoRoles()
        try await ServiceGate.withPrivateSchema(prefix: "si_roles") { schema in
            try await schema.migrate()
            let worker = try PGConnection.connect(url: schema.url)
            defer { worker.close() }
            try await body(schema, worker)
        }
    }

    /// The SQLSTATE a statement run as the worker fails with, nil when it succeeds.
    private func failure(_ connection: PGConnection, _ sql: String) -> String? {
        do {
            _ = try connection.execute(sql)
            return nil
        } catch {
            return error.sqlState ?? "no sqlstate: \(error)"
        }
    }

    @Test("the worker role reads and writes rows, and is denied every DDL statement")
    func workerHasDataRightsOnly() async throws {
        try await withWorker { schema, worker in
            let role = try #require(try worker.execute("SELECT current_user AS role").rows.first?.first ?? nil)
            #expect(role == schema.workerRole)
            // Data: insert (identity sequence), update, read a monitoring view, delete.
            let id = try #require(try worker.execute("""
                INSERT INTO runs (name, recipe, target, seed, status) VALUES ('roles', 'self-instruct', 10, 1, 'running')
                RETURNING id
                """).rows.first?.first ?? nil)
            #expect(try worker.execute("UPDATE runs SET target = 11 WHERE id = $1", [id]).rows.isEmpty)
            #expect(try worker.execute("SELECT target FROM si_run_progress WHERE run_id = $1", [id]).rows == [["11"]])
            #expect(try worker.execute("SELECT max(version) FROM schema_migrations").rows.first?.first != nil)
            _ = try worker.execute("DELETE FROM runs WHERE id = $1", [id])

            // Schema: every change is refused with insufficient_privilege (42501).
            let denied = [
                "CREATE TABLE intruder (id int)",
                "CREATE VIEW intruder AS SELECT 1 AS one",
                "CREATE INDEX intruder ON runs (target)",
                "ALTER TABLE runs ADD COLUMN intruder int",
                "DROP TABLE outbox",
                "DROP VIEW si_run_progress",
                "TRUNCATE processed_messages",
                "INSERT INTO schema_migrations (version, name) VALUES (99999, 'forged')",
                "DELETE FROM schema_migrations",
            ]
            for statement in denied {
                #expect(failure(worker, statement) == "42501", "\(statement)")
            }
            // The owner still has all of it, and the schema is untouched.
            let tables = try schema.admin.execute("""
                SELECT count(*) FROM pg_class WHERE relnamespace = $1::regnamespace AND relname = 'intruder'
                """, [schema.name])
            #expect(tables.rows == [["0"]])
        }
    }

    @Test("migrate grants what a later migration adds, and a schema without the grants is reported, not used")
    func grantsFollowLaterMigrations() async throws {
        try await withWorker { schema, worker in
            let later = Migration(version: 1_000_000, name: "roles_test_later", sql: """
                CREATE TABLE later_items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label text NOT NULL);
                CREATE VIEW later_view AS SELECT count(*) AS items FROM later_items;
                """)
            // The new table before any grant: the daemons' start check names it.
            _ = try schema.admin.execute("CREATE TABLE \(schema.name).ungranted (id int)")
            let workerDatabase = try Database(configuration: Database.Configuration(
                url: schema.serverURL, poolSize: 1, searchPath: [schema.name]))
            let before = try await workerDatabase.checkSchema()
            #expect(before.tablesWithoutRights == ["ungranted"])
            #expect(before.problem?.contains("lacks SELECT, INSERT, UPDATE or DELETE on ungranted") == true)
            #expect(failure(worker, "SELECT * FROM ungranted") == "42501")

            // migrate (as sictl migrate runs it) grants the later migration's table, sequence and view.
            try await schema.migrate(Migration.all + [later])
            #expect(failure(worker, "INSERT INTO later_items (label) VALUES ('x')") == nil)
            #expect(try worker.execute("SELECT items FROM later_view").rows == [["1"]])
            #expect(failure(worker, "DROP TABLE later_items") == "42501")
            #expect(failure(worker, "SELECT * FROM ungranted") == nil)
            let after = try await workerDatabase.checkSchema(Migration.all + [later])
            #expect(after.problem == nil)
            #expect(after.pending.isEmpty)
            await workerDatabase.close()
        }
    }

    @Test("granting to the owner itself, or to a role that does not exist, is refused")
    func grantMistakes() async throws {
        let (ownerURL, _) = try ServiceGate.twoRoles()
        try await ServiceGate.withPrivateSchema(prefix: "si_roles") { schema in
            let owner = try Database(configuration: Database.Configuration(
                url: ownerURL, poolSize: 1, searchPath: [schema.name]))
            let ownerRole = try await owner.query("SELECT current_user AS role").singleRow().decode("role", as: String.self)
            for (role, words) in [(ownerRole, "is the role that migrates"), ("si_no_such_role_\(uniqueSuffix())", "does not exist")] {
                do {
                    try await owner.migrate(grantingTo: role)
                    Issue.record("granting to \(role) succeeded")
                } catch {
                    #expect("\(error)".contains(words), "\(error)")
                }
            }
            await owner.close()
        }
    }
}
