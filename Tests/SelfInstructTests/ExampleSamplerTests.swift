import Testing
@testable import SelfInstruct

/// Self-Instruct and Alpaca few-shot example selection (spec §1.1 steps 1–3, §2.2).
@Suite struct ExampleSamplerTests {
    func split(_ refs: [ExampleRef]) -> (seeds: [Int], machine: [Int]) {
        var seeds: [Int] = []
        var machine: [Int] = []
        for ref in refs {
            switch ref {
            case .seed(let index): seeds.append(index)
            case .machine(let index): machine.append(index)
            }
        }
        return (seeds, machine)
    }

    /// (seed pool, machine pool, expected seed examples, expected machine examples)
    @Test(arguments: [
        (175, 5_000, 6, 2),
        (175, 2, 6, 2),
        (175, 1, 7, 1),
        (175, 0, 8, 0),
        (26, 40, 6, 2),
        (5, 0, 5, 0),
        (5, 10, 5, 2),
        (0, 10, 0, 2),
    ])
    func mixOfSeedAndMachineExamples(seedCount: Int, machineCount: Int, seeds: Int, machine: Int) {
        for seed in UInt64(0)..<50 {
            var rng = SeededRandom(seed: seed)
            let refs = InstructionExampleSampler.sample(seedCount: seedCount, machineCount: machineCount, rng: &rng)
            let (seedIndices, machineIndices) = split(refs)
            #expect(seedIndices.count == seeds)
            #expect(machineIndices.count == machine)
            #expect(Set(seedIndices).count == seedIndices.count)
            #expect(Set(machineIndices).count == machineIndices.count)
            #expect(seedIndices.allSatisfy { (0..<seedCount).contains($0) })
            #expect(machineIndices.allSatisfy { (0..<machineCount).contains($0) })
        }
    }

    @Test func sameSeedSameExamplesOtherSeedOthers() {
        func draw(_ seed: UInt64) -> [ExampleRef] {
            var rng = SeededRandom(seed: seed)
            return InstructionExampleSampler.sample(seedCount: 175, machineCount: 1_000, rng: &rng)
        }
        #expect(draw(42) == draw(42))
        #expect(draw(42) != draw(43))
        #expect(Set((UInt64(0)..<20).map(draw)).count == 20)
    }

    /// The combined list is shuffled, so machine examples are not always first or last.
    @Test func machineExamplesLandAnywhere() {
        var rng = SeededRandom(seed: 7)
        var positions = Set<Int>()
        for _ in 0..<400 {
            let refs = InstructionExampleSampler.sample(seedCount: 175, machineCount: 300, rng: &rng)
            for (position, ref) in refs.enumerated() {
                if case .machine = ref { positions.insert(position) }
            }
        }
        #expect(positions == Set(0..<8))
    }

    /// Every seed gets its turn: indices are drawn from the whole pool, not a prefix of it.
    @Test func everySeedIsReachable() {
        var rng = SeededRandom(seed: 11)
        var seen = Set<Int>()
        for _ in 0..<2_000 {
            seen.formUnion(split(InstructionExampleSampler.sample(seedCount: 175, machineCount: 0, rng: &rng)).seeds)
        }
        #expect(seen == Set(0..<175))
    }

    @Test func customCounts() {
        var rng = SeededRandom(seed: 3)
        let refs = InstructionExampleSampler.sample(
            seedCount: 50, machineCount: 50, examplesPerPrompt: 4, machineExamples: 3, rng: &rng)
        #expect(split(refs).machine.count == 3)
        #expect(split(refs).seeds.count == 1)
    }

    @Test func resolveLooksUpTheRightPool() {
        let seeds = ["s0", "s1"]
        let machine = ["m0", "m1", "m2"]
        let texts = [ExampleRef.seed(1), .machine(2), .seed(0)].map {
            $0.resolve(seed: { seeds[$0] }, machine: { machine[$0] })
        }
        #expect(texts == ["s1", "m2", "s0"])
    }

    @Test func alpacaDrawsThreeDistinctSeeds() {
        var all = Set<[Int]>()
        for seed in UInt64(0)..<100 {
            var rng = SeededRandom(seed: seed)
            let indices = AlpacaExampleSampler.sample(seedCount: 175, rng: &rng)
            #expect(indices.count == 3)
            #expect(Set(indices).count == 3)
            #expect(indices.allSatisfy { (0..<175).contains($0) })
            all.insert(indices)
        }
        #expect(all.count == 100)
        var rng = SeededRandom(seed: 1)
        #expect(Set(AlpacaExampleSampler.sample(seedCount: 2, rng: &rng)) == [0, 1])
    }

    @Test func alpacaIsDeterministicForASeed() {
        var a = SeededRandom(seed: 99)
        var b = SeededRandom(seed: 99)
        #expect(AlpacaExampleSampler.sample(seedCount: 175, rng: &a) == AlpacaExampleSampler.sample(seedCount: 175, rng: &b))
    }
}
