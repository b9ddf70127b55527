// Token counts without a tokenizer, for estimates made before anything is sent.

/// Counts a text as ⌈UTF-8 bytes / 4⌉ tokens: exactly what `si-teacher-sim` bills, and about what BPE
/// vocabularies such as cl100k give for English prose (≈ 4 characters per token). For a request's worst case,
/// which must never be under-counted, the teacher client uses its stricter `ConservativeTokenEstimator`.
public struct ApproximateTokenCounter: Sendable, Hashable {
    public static let bytesPerToken = 4

    public init() {}

    public func tokens(in text: String) -> Int {
        (text.utf8.count + Self.bytesPerToken - 1) / Self.bytesPerToken
    }
}
