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
}
