/// One at a time, first come first served: how a stage daemon handles messages that were redelivered more than
/// once. When such a message kills its worker again, nothing else of its own kind was running beside it, so
/// only the culprit's delivery count grows and innocent messages that crashed along with it the first times
/// are not dead-lettered in its place.
public actor SerialLane {
    public init() {}

    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Waits until the lane is free and takes it.
    public func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Hands the lane to the next waiter, or frees it.
    public func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
