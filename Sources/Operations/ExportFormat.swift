/// The file layouts `export` writes.
public enum ExportFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// One `{"instruction", "input", "output"}` object per line.
    case jsonl
    /// One JSON list of those objects (Stanford Alpaca's `alpaca_data.json` layout), one record per line inside.
    case alpacaJSON = "alpaca-json"
}
