import SelfInstruct
import Testing

@Suite struct ShardPlanTests {
    /// `count` instructions with 1–5 instances each.
    static func records(instructions count: Int) -> [ShardKey] {
        var records: [ShardKey] = []
        var id: Int64 = 100
        for instruction in 0..<count {
            for _ in 0..<(instruction % 5 + 1) {
                records.append(ShardKey(id: id, instructionID: Int64(instruction)))
                id += 1
            }
        }
        return records
    }

    @Test(arguments: [(0.0, 1), (0.05, 7), (0.1, 3), (0.5, 1000)])
    func everyRecordOnceAndNoInstructionInBothSplits(fraction: Double, shardSize: Int) {
        let records = Self.records(instructions: 237)
        let plan = ShardPlan.make(records: records, seed: 42, validationFraction: fraction, shardSize: shardSize)
        let planned = plan.flatMap(\.keys)
        #expect(planned.count == records.count)
        #expect(Set(planned.map(\.id)) == Set(records.map(\.id)))
        let validation = Set(plan.filter { $0.split == .validation }.flatMap(\.keys).map(\.instructionID))
        let train = Set(plan.filter { $0.split == .train }.flatMap(\.keys).map(\.instructionID))
        #expect(validation.isDisjoint(with: train))
        #expect(validation.count == Int((237 * fraction).rounded(.down)))
        #expect(plan.allSatisfy { !$0.keys.isEmpty && $0.keys.count <= shardSize })
        // Shards are numbered from 0 within each split, in order.
        for split in ShardSplit.allCases {
            #expect(plan.filter { $0.split == split }.map(\.number) == Array(0..<plan.filter { $0.split == split }.count))
        }
    }

    @Test func sameInputAndSeedGiveTheSamePlanAndAnotherSeedAnother() {
        let records = Self.records(instructions: 120)
        let first = ShardPlan.make(records: records, seed: 7, validationFraction: 0.1, shardSize: 50)
        #expect(first == ShardPlan.make(records: records, seed: 7, validationFraction: 0.1, shardSize: 50))
        let other = ShardPlan.make(records: records, seed: 8, validationFraction: 0.1, shardSize: 50)
        #expect(first.flatMap(\.keys).map(\.id) != other.flatMap(\.keys).map(\.id))
        // Shuffled, not in input order.
        #expect(first.flatMap(\.keys).map(\.id) != records.map(\.id))
    }

    @Test func filePathsPerFormatAndSplit() {
        let plan = ShardPlan.make(records: [ShardKey(id: 1, instructionID: 1)], seed: 1, validationFraction: 0, shardSize: 10)
        #expect(plan.map { $0.path(format: .jsonl) } == ["jsonl/train/train-00000.jsonl"])
        #expect(plan.map { $0.path(format: .alpacaJSON) } == ["alpaca-json/train/train-00000.json"])
        var twelfth = plan[0]
        twelfth.split = .validation
        twelfth.number = 12
        #expect(twelfth.path(format: .shareGPT) == "sharegpt/validation/validation-00012.jsonl")
        #expect(ShardPlan.make(records: [], seed: 1, validationFraction: 0.5, shardSize: 10).isEmpty)
    }
}
