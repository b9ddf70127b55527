import Testing
@testable import SelfInstruct

@Suite struct SeededRandomTests {
    @Test func sameSeedSameSequence() {
        var a = SeededRandom(seed: 42)
        var b = SeededRandom(seed: 42)
        #expect((0..<100).map { _ in a.next() } == (0..<100).map { _ in b.next() })
    }

    /// Fixed reference values: if the algorithm changes, recorded runs stop being reproducible.
    @Test func knownFirstOutputs() {
        var r = SeededRandom(seed: 0)
        let values = (0..<3).map { _ in r.next() }
        #expect(values == SeededRandomTests.reference)
    }
    // Cross-checked with an independent Python implementation of SplitMix64 + xoshiro256**.
    static let reference: [UInt64] = [11091344671253066420, 13793997310169335082, 1900383378846508768]

    @Test func uniformIsInRangeAndCoversIt() {
        var r = SeededRandom(seed: 7)
        var seen = Set<Int>()
        for _ in 0..<1000 {
            let v = r.uniform(below: 10)
            #expect((0..<10).contains(v))
            seen.insert(v)
        }
        #expect(seen.count == 10)
    }

    @Test func sampleIsDistinct() {
        var r = SeededRandom(seed: 9)
        let s = r.sample(Array(0..<50), count: 20)
        #expect(Set(s).count == 20)
        let idx = r.sampleIndices(population: 1_000_000, count: 100)
        #expect(Set(idx).count == 100)
        #expect(idx.allSatisfy { (0..<1_000_000).contains($0) })
    }

    @Test func shufflePermutes() {
        var r = SeededRandom(seed: 3)
        let s = r.shuffled(Array(0..<100))
        #expect(s.sorted() == Array(0..<100))
        #expect(s != Array(0..<100))
    }
}
