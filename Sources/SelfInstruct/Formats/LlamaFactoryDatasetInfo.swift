// `dataset_info.json` for LLaMA-Factory: one entry per written (format, split), naming the directory that holds
// its files (LLaMA-Factory loads every file of a directory given as `file_name`), with the formatting, columns
// and tags its data guide documents for the `alpaca` and `sharegpt` formattings.

/// The text of a run's `dataset_info.json`.
public enum LlamaFactoryDatasetInfo {
    /// One directory of files of one format and split.
    public struct Entry: Sendable, Hashable {
        public var format: TrainingFormat
        public var split: ShardSplit
        /// Relative to the directory `dataset_info.json` is written in.
        public var directory: String

        public init(format: TrainingFormat, split: ShardSplit, directory: String) {
            self.format = format
            self.split = split
            self.directory = directory
        }
    }

    /// The dataset name of an entry in LLaMA-Factory's `dataset:` setting: `<run>-<format>-<split>`.
    public static func datasetName(run: String, format: TrainingFormat, split: ShardSplit) -> String {
        "\(run)-\(format.rawValue)-\(split.rawValue)"
    }

    /// The JSON text: entries in the given order, keys in a fixed order, so the same run writes the same bytes.
    /// `hasSystemPrompt` adds the `system` column to `sharegpt` entries (a column the files lack would fail to load).
    public static func json(run: String, entries: [Entry], hasSystemPrompt: Bool) -> String {
        let objects = entries.map { entry in
            var fields = [
                "\"file_name\": " + JSONWriter.quoted(entry.directory),
                "\"formatting\": \"" + (entry.format == .openAIChat || entry.format == .shareGPT ? "sharegpt" : "alpaca") + "\"",
            ]
            switch entry.format {
            case .jsonl, .alpacaJSON:
                fields.append("\"columns\": {\"prompt\": \"instruction\", \"query\": \"input\", \"response\": \"output\"}")
            case .selfInstruct:
                fields.append("\"columns\": {\"prompt\": \"prompt\", \"response\": \"completion\"}")
            case .openAIChat:
                fields.append("\"columns\": {\"messages\": \"messages\"}")
                fields.append("\"tags\": {\"role_tag\": \"role\", \"content_tag\": \"content\", \"user_tag\": \"user\", "
                    + "\"assistant_tag\": \"assistant\", \"system_tag\": \"system\"}")
            case .shareGPT:
                fields.append("\"columns\": {\"messages\": \"conversations\"" + (hasSystemPrompt ? ", \"system\": \"system\"" : "") + "}")
                fields.append("\"tags\": {\"role_tag\": \"from\", \"content_tag\": \"value\", \"user_tag\": \"human\", "
                    + "\"assistant_tag\": \"gpt\"}")
            }
            let name = datasetName(run: run, format: entry.format, split: entry.split)
            return "  " + JSONWriter.quoted(name) + ": {\n    " + fields.joined(separator: ",\n    ") + "\n  }"
        }
        return objects.isEmpty ? "{}\n" : "{\n" + objects.joined(separator: ",\n") + "\n}\n"
    }
}
