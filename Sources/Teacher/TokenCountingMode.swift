/// How the client sends several prompts so that their tokens are counted right; decided by
/// `TeacherClient.probeTokenCounting()`.
public enum TokenCountingMode: String, Sendable, Hashable, CaseIterable {
    /// One request per list of prompts; the server's `usage` covers them all (OpenAI, vLLM, the simulator).
    case usage
    /// One request per prompt, sent concurrently, each counted by its own `usage` (llama.cpp's server, whose
    /// `usage` covers the first prompt of a list only, and llama-cpp-python, which answers 500 to a list).
    case singlePrompt = "single_prompt"

    /// The method recorded for a call made in this mode whose usage is consistent.
    var method: TokenCountMethod {
        switch self {
        case .usage: .usage
        case .singlePrompt: .singlePrompt
        }
    }
}
