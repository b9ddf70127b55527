/// Keeps records in memory, in arrival order (tests and small tools).
public actor InMemoryCallRecorder: CallRecorder {
    public private(set) var records: [CallRecord] = []

    public init() {}

    public func record(_ call: CallRecord) async {
        records.append(call)
    }
}
