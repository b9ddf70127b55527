// PostgreSQL array literals for `= ANY($1::…[])` binds: one parameter for a whole id list, so a statement's text
// (and plan) does not depend on how many ids it carries.

/// Array literals in PostgreSQL's text input format.
enum SQLArray {
    /// `{1,2,3}` for a `::bigint[]` or `::int[]` cast.
    static func integers(_ values: some Sequence<Int64>) -> String {
        "{" + values.map(String.init).joined(separator: ",") + "}"
    }

    /// `{"a","b"}` for a `::text[]` cast; backslashes and quotes escaped.
    static func text(_ values: some Sequence<String>) -> String {
        "{" + values.map { "\"" + $0.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }

    /// `{"a",NULL}` for a `::text[]` cast: nil is NULL.
    static func text(_ values: some Sequence<String?>) -> String {
        "{" + values.map { value in
            value.map { "\"" + $0.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\"" } ?? "NULL"
        }.joined(separator: ",") + "}"
    }

    /// `{1,NULL}` for a `::int[]` or `::bigint[]` cast.
    static func integers(_ values: some Sequence<Int64?>) -> String {
        "{" + values.map { $0.map(String.init) ?? "NULL" }.joined(separator: ",") + "}"
    }

    /// `{0.5,NULL}` for a `::float8[]` cast, in Swift's shortest round-trip digits (float8 reads them back exactly).
    static func numbers(_ values: some Sequence<Double?>) -> String {
        "{" + values.map { $0.map(\.description) ?? "NULL" }.joined(separator: ",") + "}"
    }
}
