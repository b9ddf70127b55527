// A seeded random generator whose outputs are fixed by this file alone (not by the platform or the
// standard library's algorithms), so that a run is reproducible from its recorded seed everywhere.

/// xoshiro256** (Blackman & Vigna) seeded through SplitMix64.
public struct SeededRandom: RandomNumberGenerator, Sendable, Hashable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    public init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// A generator for one named sub-stream of a run (e.g. prompt `k` of generation request `r`), so that
    /// independent workers derive the same numbers without sharing state.
    public init(seed: UInt64, stream: UInt64, index: UInt64 = 0) {
        var mixer = SeededRandom(seed: seed ^ (stream &* 0xD6E8_FEB8_6659_FD93))
        var value = mixer.next()
        value ^= index &* 0xA076_1D64_78BD_642F
        self.init(seed: value)
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// Uniform integer in `0..<bound` (Lemire's multiply-shift with rejection: unbiased and fully specified).
    public mutating func uniform(below bound: Int) -> Int {
        precondition(bound > 0, "uniform(below:) needs a positive bound")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// A double in [0, 1) with 53 random bits.
    public mutating func unitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Fisher–Yates shuffle driven by `uniform(below:)`.
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            let j = uniform(below: i + 1)
            if i != j { items.swapAt(i, j) }
        }
    }

    public mutating func shuffled<T>(_ items: [T]) -> [T] {
        var copy = items
        shuffle(&copy)
        return copy
    }

    /// `count` distinct elements drawn uniformly without replacement, in draw order (partial Fisher–Yates).
    public mutating func sample<T>(_ items: [T], count: Int) -> [T] {
        precondition(count >= 0 && count <= items.count, "sample count \(count) out of range 0...\(items.count)")
        var pool = items
        var out: [T] = []
        out.reserveCapacity(count)
        for k in 0..<count {
            let j = k + uniform(below: pool.count - k)
            pool.swapAt(k, j)
            out.append(pool[k])
        }
        return out
    }

    /// `count` distinct indices from `0..<population`, in draw order; O(count) memory for large populations.
    public mutating func sampleIndices(population: Int, count: Int) -> [Int] {
        precondition(count >= 0 && count <= population, "sample count \(count) out of range 0...\(population)")
        var swapped: [Int: Int] = [:]
        var out: [Int] = []
        out.reserveCapacity(count)
        for k in 0..<count {
            let j = k + uniform(below: population - k)
            let atJ = swapped[j] ?? j
            let atK = swapped[k] ?? k
            swapped[j] = atK
            out.append(atJ)
        }
        return out
    }

    public mutating func choice<T>(_ items: [T]) -> T {
        items[uniform(below: items.count)]
    }
}
