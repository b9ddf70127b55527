/// How the token counts of one teacher call were obtained (`llm_calls.token_count_method`).
public enum TokenCountMethod: String, Sendable, Hashable, CaseIterable, Codable {
    /// The response's `usage`, which covers every prompt and choice of the request.
    case usage
    /// Per-choice counts the server sent. Reserved: no server measured so far sends them in `/v1/completions`.
    case perChoice = "per_choice"
    /// Counted with the server's `/tokenize`. Reserved: measured on llama.cpp it undercounts completions cut at a
    /// stop string (the stop text is generated, counted by the server, and removed from the choice).
    case tokenize
    /// The request carried one prompt because the server's `usage` covers only one prompt of a list (llama.cpp)
    /// or the server refuses lists (llama-cpp-python); a single prompt's `usage` is exact.
    case singlePrompt = "single_prompt"
    /// The server sent no usage, or usage too small for the choices it returned: counted with the client's
    /// conservative estimator, never below what the server reported.
    case estimated
}
