// Swift's Hasher is seeded per process, so decisions that must repeat across runs use this instead.

/// FNV-1a over bytes and integers, finished with a SplitMix64 avalanche; stable across processes and platforms.
struct StableHash {
    private var state: UInt64 = 0xCBF2_9CE4_8422_2325

    init() {}

    init(seed: UInt64) { combine(seed) }

    mutating func combine(bytes: some Sequence<UInt8>) {
        for byte in bytes {
            state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        // A terminator so that ("ab","c") and ("a","bc") differ.
        state = (state ^ 0xFF) &* 0x0000_0100_0000_01B3
    }

    mutating func combine(_ text: String) { combine(bytes: text.utf8) }

    mutating func combine(_ value: UInt64) {
        var v = value
        for _ in 0..<8 {
            state = (state ^ (v & 0xFF)) &* 0x0000_0100_0000_01B3
            v >>= 8
        }
    }

    func finalize() -> UInt64 {
        var z = state &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func of(_ parts: UInt64...) -> UInt64 {
        var h = StableHash()
        for part in parts { h.combine(part) }
        return h.finalize()
    }
}
