/// Turns records into the bytes of one export format, piece by piece.
public struct ExportEncoder: Sendable {
    public let format: ExportFormat
    private var count = 0

    public init(format: ExportFormat) {
        self.format = format
    }

    /// What goes before the first record.
    public var header: String { format == .alpacaJSON ? "[" : "" }

    /// The text of the next record, separators included.
    public mutating func encode(_ record: ExportRecord) -> String {
        defer { count += 1 }
        switch format {
        case .jsonl: return record.jsonObject + "\n"
        case .alpacaJSON: return (count == 0 ? "\n    " : ",\n    ") + record.jsonObject
        }
    }

    /// What goes after the last record.
    public var footer: String {
        switch format {
        case .jsonl: ""
        case .alpacaJSON: count == 0 ? "]\n" : "\n]\n"
        }
    }
}
