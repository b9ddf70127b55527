import SelfInstruct
import Testing

@Suite struct ShardPlanTests {
    /// `count` instructions with 1–5 instances each.
    static func records(instructions count: Int) -> [ShardRecord] {
        var records: [ShardRecord] = []
        var id: Int64 = 100
        for instruction in 0..<count {
            for position in 0..<(instruction % 5 + 1) {
                records.append(ShardRecord(id: id, instructionID: Int64(instruction), instruction: "task \(instruction)",
                                           input: "in \(position)", output: "out \(instruction).\(position)"))
                id += 1
            }
        }
        return records
    }

    @Test(arguments: [(0.0, 1), (0.05, 7), (0.1, 3), (0.5, 1000)])
    func everyRecordOnceAndNoInstructionInBothSplits(fraction: Double, shardSize: Int) {
        let records = Self.records(instructions: 237)
        let plan = ShardPlan.make(records: records, seed: 42, validationFraction: fraction, shardSize: shardSize)
        let planned = plan.flatMap(\.records)
        #expect(planned.count == records.count)
        #expect(Set(planned.map(\.id)) == Set(records.map(\.id)))
        let validation = Set(plan.filter { $0.split == .validation }.flatMap(\.records).map(\.instructionID))
        let train = Set(plan.filter { $0.split == .train }.flatMap(\.records).map(\.instructionID))
        #expect(validation.isDisjoint(with: train))
        #expect(validation.count == Int((237 * fraction).rounded(.down)))
        #expect(plan.allSatisfy { !$0.records.isEmpty && $0.records.count <= shardSize })
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
        #expect(first.flatMap(\.records).map(\.id) != other.flatMap(\.records).map(\.id))
        // Shuffled, not in input order.
        #expect(first.flatMap(\.records).map(\.id) != records.map(\.id))
    }

    @Test func fileNamesAndJSONLines() {
        let record = ShardRecord(id: 1, instructionID: 1, instruction: "Say \"hi\".", input: "", output: "a\nb\u{1}")
        #expect(record.jsonLine == "{\"instruction\": \"Say \\\"hi\\\".\", \"input\": \"\", \"output\": \"a\\nb\\u0001\"}\n")
        let plan = ShardPlan.make(records: [record], seed: 1, validationFraction: 0, shardSize: 10)
        #expect(plan.map(\.fileName) == ["train-00000.jsonl"])
        #expect(ShardPlan.make(records: [], seed: 1, validationFraction: 0.5, shardSize: 10).isEmpty)
    }
}
