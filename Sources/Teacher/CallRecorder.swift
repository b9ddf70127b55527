/// Receives every call record; the worker's implementation writes them to `llm_calls`.
public protocol CallRecorder: Sendable {
    func record(_ call: CallRecord) async
}
