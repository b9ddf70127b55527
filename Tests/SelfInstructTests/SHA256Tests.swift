import SelfInstruct
import Testing

@Suite("SHA-256 against the FIPS 180-4 / NIST example vectors")
struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func knownVectors(message: String, expected: String) {
        #expect(SHA256.hexDigest(of: message) == expected)
    }

    @Test func oneMillionLetterA() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 {
            hasher.update(chunk)
        }
        let digest = hasher.finalize()
        let hex = digest.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
        #expect(hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Messages whose padding straddles a block edge (55, 56, 63, 64 bytes) must equal the one-shot digest
    /// whatever the split of `update` calls.
    @Test(arguments: [0, 1, 55, 56, 57, 63, 64, 65, 119, 128])
    func incrementalMatchesOneShot(length: Int) {
        let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let oneShot = SHA256.hash(message)
        for split in [0, length / 3, length / 2, length] {
            var hasher = SHA256()
            hasher.update(message[0..<split])
            hasher.update(message[split...])
            #expect(hasher.finalize() == oneShot, "split at \(split) of \(length)")
        }
    }

    /// Contiguous chunks of every size (whole blocks compressed in place, the rest kept) give the digest of the
    /// byte-by-byte path of a non-contiguous sequence and of a String.
    @Test func chunkedContiguousNonContiguousAndTextAgree() {
        let message = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 17) }
        var bytewise = SHA256()
        bytewise.update(message.lazy.map { $0 })
        let expected = bytewise.finalize()
        #expect(SHA256.hash(message) == expected)
        for chunk in [1, 7, 63, 64, 65, 200, 999] {
            var hasher = SHA256()
            var start = 0
            while start < message.count {
                let end = min(start + chunk, message.count)
                message[start..<end].withUnsafeBytes { hasher.update($0) }
                start = end
            }
            #expect(hasher.finalize() == expected, "chunks of \(chunk)")
        }
        let text = String(repeating: "héllo wörld ", count: 90)
        var fromText = SHA256()
        fromText.update(text)
        #expect(fromText.finalize() == SHA256.hash(Array(text.utf8)))
    }

    @Test func paddingBoundaryVectors() {
        // 56 bytes: the length no longer fits in the first block, so padding spills into a second block.
        #expect(
            SHA256.hexDigest(of: String(repeating: "a", count: 56))
                == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"
        )
        #expect(
            SHA256.hexDigest(of: String(repeating: "a", count: 64))
                == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"
        )
    }
}
