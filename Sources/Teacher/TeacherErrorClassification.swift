/// What the caller should do about a failed teacher call.
public enum TeacherErrorClassification: String, Sendable, Hashable, CaseIterable {
    /// Transient: try the same request again after a backoff.
    case retryable
    /// Permanent for this item (bad request, prompt too long): fail it, keep the run going.
    case failItem
    /// Nothing will work until an operator acts (credentials, configuration): pause the run.
    case stopCaller
}
