/// Drops every record (for callers that do not account).
public struct DiscardingCallRecorder: CallRecorder {
    public init() {}
    public func record(_ call: CallRecord) async {}
}
