/// Threads of this process by what they run, told apart by name.
enum ThreadGroup: String, CaseIterable, Sendable {
    /// The teacher transport's libcurl loop (`CurlTransport`).
    case curl
    /// SwiftNIO event loops: the in-process simulator's HTTP server.
    case nioEventLoops = "NIO event loops"
    /// Everything else, mostly the Swift concurrency pool: client encoding and decoding, simulator handlers.
    case other

    init(threadName: String) {
        if threadName == "teacher-curl" {
            self = .curl
        } else if threadName.hasPrefix("NIO-") {
            self = .nioEventLoops
        } else {
            self = .other
        }
    }
}
