public import SelfInstruct

/// The identity of a teacher request: SHA-256 hex of the canonical JSON of endpoint, model, prompts (or
/// messages), sampling parameters and recipe version.
public struct RequestKey: Sendable, Hashable, CustomStringConvertible {
    /// 64 lower-case hex digits.
    public let hex: String
    /// The canonical JSON that was hashed (kept for debugging; contains prompts, so never logged above debug).
    public let canonicalText: String

    init(canonical: CanonicalJSON) {
        canonicalText = canonical.text
        hex = SHA256.hexDigest(of: canonicalText)
    }

    /// A key read back from storage (a stored batch request): the hash only, without its canonical text.
    public init(storedHex: String) {
        hex = storedHex
        canonicalText = ""
    }

    public var description: String { hex }

    /// The key of a `/v1/completions` request.
    public static func completions(
        model: String, prompts: [String], parameters: SamplingParameters, recipeVersion: String
    ) -> RequestKey {
        RequestKey(
            canonical: .object([
                "endpoint": .string("completions"),
                "model": .string(model),
                "prompts": .array(prompts.map(CanonicalJSON.string)),
                "parameters": parameters.canonicalJSON,
                "recipe_version": .string(recipeVersion),
            ]))
    }

    /// The key of a `/v1/chat/completions` request.
    public static func chat(
        model: String, messages: [ChatMessage], parameters: SamplingParameters, recipeVersion: String
    ) -> RequestKey {
        RequestKey(
            canonical: .object([
                "endpoint": .string("chat"),
                "model": .string(model),
                "messages": .array(
                    messages.map { .object(["role": .string($0.role.rawValue), "content": .string($0.content)]) }),
                "parameters": parameters.canonicalJSON,
                "recipe_version": .string(recipeVersion),
            ]))
    }
}
