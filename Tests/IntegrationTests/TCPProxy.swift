import Synchronization
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP forwarder between the client under test and the real broker, so a test can break connections for real:
/// `severAll()` resets them (the client sees the socket close), `stallAll()` stops forwarding while keeping the
/// sockets open (the client must notice the missing heartbeats). New connections always go through normally.
final class TCPProxy: Sendable {
    /// The local port the client connects to.
    let port: UInt16
    private let listener: Int32
    private let upstreamPort: UInt16

    private struct Pair {
        let client: Int32
        let upstream: Int32
        var stalled = false
        var pumpsRunning = 2
    }

    private struct State {
        var pairs: [Int: Pair] = [:]
        var nextID = 0
        var closed = false
        var accepted = 0
    }

    private let state = Mutex(State())

    /// Listens on a free loopback port and forwards to `upstreamPort` on loopback.
    init(upstreamPort: UInt16) throws {
        self.upstreamPort = upstreamPort
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw GateFailure(text: "socket failed: errno \(errno)") }
        var reuse: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else {
            Glibc.close(listener)
            throw GateFailure(text: "bind/listen failed: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        self.port = UInt16(bigEndian: address.sin_port)
        TestThread.start { [self] in acceptLoop() }
    }

    /// Connections accepted so far.
    var acceptedCount: Int { state.withLock { $0.accepted } }

    /// Resets every open connection; the proxy keeps accepting new ones.
    func severAll() {
        let pairs = state.withLock { Array($0.pairs.values) }
        for pair in pairs {
            shutdown(pair.client, Int32(SHUT_RDWR))
            shutdown(pair.upstream, Int32(SHUT_RDWR))
        }
    }

    /// Stops forwarding on every open connection without closing it (a network partition).
    func stallAll() {
        state.withLock { state in
            for id in state.pairs.keys { state.pairs[id]?.stalled = true }
        }
    }

    /// Stops accepting and severs everything.
    func close() {
        state.withLock { $0.closed = true }
        shutdown(listener, Int32(SHUT_RDWR))
        severAll()
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if state.withLock({ $0.closed }) { break }
                continue
            }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: upstreamPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else {
                Glibc.close(client)
                Glibc.close(upstream)
                continue
            }
            let id = state.withLock { state -> Int in
                state.nextID += 1
                state.accepted += 1
                state.pairs[state.nextID] = Pair(client: client, upstream: upstream)
                return state.nextID
            }
            TestThread.start { [self] in pump(id: id, from: client, to: upstream) }
            TestThread.start { [self] in pump(id: id, from: upstream, to: client) }
        }
        Glibc.close(listener)
    }

    private func pump(id: Int, from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        loop: while true {
            if state.withLock({ $0.pairs[id]?.stalled ?? true }) {
                // Partitioned: neither read nor forward, but still notice a sever or close.
                var descriptor = pollfd(fd: source, events: 0, revents: 0)
                _ = poll(&descriptor, 1, 50)
                if descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { break loop }
                continue
            }
            var descriptor = pollfd(fd: source, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 50) >= 0 else { break }
            if descriptor.revents == 0 { continue }
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            var written = 0
            while written < count {
                let result = buffer.withUnsafeBytes { write(destination, $0.baseAddress! + written, count - written) }
                if result <= 0 { break loop }
                written += result
            }
        }
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(destination, Int32(SHUT_RDWR))
        let last = state.withLock { state -> Pair? in
            state.pairs[id]?.pumpsRunning -= 1
            guard let pair = state.pairs[id], pair.pumpsRunning == 0 else { return nil }
            state.pairs[id] = nil
            return pair
        }
        if let last {
            Glibc.close(last.client)
            Glibc.close(last.upstream)
        }
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

/// Detached threads for blocking test helpers (the cooperative pool must not block).
enum TestThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    static func start(_ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, context)
        precondition(status == 0, "pthread_create failed")
        pthread_detach(thread)
    }
}
