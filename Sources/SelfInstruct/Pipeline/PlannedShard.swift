/// One shard: its split, number within the split and instances in file order. Each format writes it as one file.
public struct PlannedShard: Sendable, Hashable {
    public var split: ShardSplit
    public var number: Int
    public var keys: [ShardKey]

    /// Its file below the run directory: `<format>/<split>/<split>-00000.<extension>`. One directory per format
    /// and split, because LLaMA-Factory reads a dataset as every file of one directory.
    public func path(format: TrainingFormat) -> String {
        Self.directory(format: format, split: split) + "/" + split.rawValue + "-" + Self.fiveDigits(number) + "." + format.fileExtension
    }

    /// The directory of a format's files of one split, below the run directory.
    public static func directory(format: TrainingFormat, split: ShardSplit) -> String {
        format.rawValue + "/" + split.rawValue
    }

    private static func fiveDigits(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }
}
