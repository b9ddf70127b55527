@testable import Store
import Testing

/// String enums (statuses, reasons, stage names) cross the SQL edge as their raw values, and only known ones
/// come back; like every decoding error, an unknown one names the column and the type, never the stored value.
@Suite struct EnumColumnTests {
    enum Color: String, Sendable { case red, dark = "dark_blue" }

    @Test func enumsBindTheirRawValueAndNilBindsNull() {
        let some: Color? = .dark
        let none: Color? = nil
        let query: SQLQuery = "UPDATE t SET a = \(Color.red), b = \(some), c = \(none)"
        #expect(query.sql == "UPDATE t SET a = $1, b = $2, c = $3")
        #expect(query.binds.map(\.text) == ["red", "dark_blue", nil])
    }

    @Test func knownValuesDecode() throws {
        let row = Row(columns: ["status", "maybe", "none"], values: ["dark_blue", "red", nil])
        #expect(try row.decode("status", as: Color.self) == .dark)
        #expect(try row.decode("maybe", as: Color?.self) == .red)
        #expect(try row.decode("none", as: Color?.self) == nil)
    }

    @Test func anUnknownValueIsAnErrorNamingTheColumnAndTheTypeNeverTheValue() {
        let row = Row(columns: ["status"], values: ["purple"])
        #expect {
            _ = try row.decode("status", as: Color.self)
        } throws: { error in
            let text = "\(error)"
            return text.contains("\"status\"") && text.contains("Color") && !text.contains("purple")
        }
        #expect(throws: StoreError.self) { _ = try row.decode("status", as: Color?.self) }
    }
}
