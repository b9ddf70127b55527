/// Something that runs one statement: the pool (`Database`, each statement on its own) or an open `Transaction`.
/// The records module takes either, so one query serves both a lone read and a step of a larger transaction.
public protocol SQLExecutor: Sendable {
    /// Runs one statement and returns its rows.
    func query(_ query: SQLQuery, operation: String?) async throws -> QueryResult
    /// Runs one statement for its effect and returns the number of rows it affected (0 when none is reported).
    @discardableResult
    func execute(_ statement: SQLQuery, operation: String?) async throws -> Int
}

extension SQLExecutor {
    /// Runs one statement and returns its rows, for decoding by column name.
    public func rows(_ query: SQLQuery, operation: String) async throws -> [Row] {
        try await self.query(query, operation: operation).decodableRows
    }
}

extension Database: SQLExecutor {}
extension Transaction: SQLExecutor {}
