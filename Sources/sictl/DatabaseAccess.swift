import ArgumentParser
import Foundation
import SelfInstruct
import Store

/// Opens the database named by SI_DATABASE_URL for one command, with errors in operator words.
enum DatabaseAccess {
    static let urlVariable = EnvironmentVariable.databaseURL

    static func open(application: String) throws(CommandFailure) -> Database {
        guard let url = ProcessInfo.processInfo.environment[urlVariable], !url.isEmpty else {
            throw CommandFailure(description: """
                \(urlVariable) is not set; expected a PostgreSQL URL such as \
                postgresql://user:password@host:5432/database
                """)
        }
        do {
            return try Database(configuration: Database.Configuration(
                url: url, poolSize: 1, applicationName: application, reconnectAttempts: 2))
        } catch {
            // StoreError descriptions carry the redacted URL only.
            throw CommandFailure(description: "\(urlVariable): \(error)")
        }
    }

    /// Runs `body` with an open database, closing it afterwards; every error comes back as a CommandFailure.
    static func with<Value>(application: String, _ body: (Database) async throws -> Value) async throws(CommandFailure) -> Value {
        let database = try open(application: application)
        do {
            let value = try await body(database)
            await database.close()
            return value
        } catch let failure as CommandFailure {
            await database.close()
            throw failure
        } catch {
            await database.close()
            throw CommandFailure(description: "\(error)")
        }
    }
}
