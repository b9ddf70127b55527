/// The layouts of an existing data set that `sictl import` reads; the raw value is the `--format` spelling.
public enum ImportFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// One JSON list of `{"instruction", "input", "output"}` objects, like Stanford Alpaca's `alpaca_data.json`.
    case alpacaJSON = "alpaca-json"
    /// One `{"instruction", "input"?, "output"}` object per line.
    case jsonl
    /// Self-Instruct's machine-generated instances: one line per instruction with its `instances` list.
    case selfInstruct = "self-instruct"
}
