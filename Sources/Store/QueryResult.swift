/// The rows and command status of one statement, copied out of libpq before its `PGresult` was freed.
public struct QueryResult: Sendable, Hashable {
    /// Column names in result order.
    public let columns: [String]
    /// Row values in text format; nil is SQL NULL.
    public let rows: [[String?]]
    /// The command tag, such as `INSERT 0 3` or `SELECT 2`.
    public let commandTag: String
    /// Rows inserted, updated, deleted, selected, … when the command reports a count.
    public let affectedRowCount: Int?

    /// Makes a result (tests and fakes; the adapter builds them from libpq).
    public init(columns: [String], rows: [[String?]], commandTag: String, affectedRowCount: Int?) {
        self.columns = columns
        self.rows = rows
        self.commandTag = commandTag
        self.affectedRowCount = affectedRowCount
    }

    /// The index of the first column called `name`.
    public func columnIndex(_ name: String) -> Int? {
        columns.firstIndex(of: name)
    }

    /// The text value at `row` in the column called `column`; nil for NULL or an unknown column.
    public subscript(row: Int, column: String) -> String? {
        guard let index = columnIndex(column) else { return nil }
        return rows[row][index]
    }
}
