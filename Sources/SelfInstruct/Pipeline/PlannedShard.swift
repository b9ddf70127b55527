/// One output file: its split, number within the split and records in file order.
public struct PlannedShard: Sendable, Hashable {
    public var split: ShardSplit
    public var number: Int
    public var records: [ShardRecord]

    /// `train-00000.jsonl`, `validation-00001.jsonl`, …
    public var fileName: String {
        let digits = String(number)
        return "\(split.rawValue)-\(String(repeating: "0", count: max(0, 5 - digits.count)))\(digits).jsonl"
    }
}
