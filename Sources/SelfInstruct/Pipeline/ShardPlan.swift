// Which shard each valid instance goes to (architecture §8): instructions are shuffled
// with the run's seed and the first share of them forms the validation split, so no instruction is in both;
// records are then shuffled within their split and cut into files of at most `shardSize` records. The same
// records and seed always give the same plan, so re-running the stage rewrites identical bytes.

/// Splitting and sharding, pure and deterministic.
public enum ShardPlan {
    /// The sub-stream of the run seed used for shard shuffles (ASCII "SHRD").
    static let stream: UInt64 = 0x5348_5244

    /// Plans the shards of `records` (given in any stable order; the plan depends only on that order and the
    /// seed). `validationFraction` of the instructions, rounded down, go to validation.
    public static func make(
        records: [ShardKey], seed: UInt64, validationFraction: Double, shardSize: Int
    ) -> [PlannedShard] {
        precondition(shardSize > 0, "shardSize must be positive")
        precondition(validationFraction >= 0 && validationFraction < 1, "validationFraction must be in [0, 1)")
        var instructionOrder: [Int64] = []
        var seen = Set<Int64>()
        for record in records where seen.insert(record.instructionID).inserted {
            instructionOrder.append(record.instructionID)
        }
        var random = SeededRandom(seed: seed, stream: stream)
        random.shuffle(&instructionOrder)
        let validationCount = Int((Double(instructionOrder.count) * validationFraction).rounded(.down))
        let validation = Set(instructionOrder.prefix(validationCount))

        var shards: [PlannedShard] = []
        for split in ShardSplit.allCases {
            var members = records.filter { validation.contains($0.instructionID) == (split == .validation) }
            random.shuffle(&members)
            var number = 0
            var start = 0
            while start < members.count {
                let end = min(start + shardSize, members.count)
                shards.append(PlannedShard(split: split, number: number, keys: Array(members[start..<end])))
                number += 1
                start = end
            }
        }
        return shards
    }
}
