// A tiny HTTP/1.1 server on 127.0.0.1 (port 0) over POSIX sockets, for the transport smoke test.
// One thread accepts; each connection gets its own thread, answers one request and closes.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct LocalRequest: Sendable {
    var method: String
    var path: String
    var headers: [String: String]  // lower-cased names
    var body: [UInt8]
}

struct LocalResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    /// Microseconds to wait before answering.
    var delayMicroseconds: UInt32 = 0
}

/// `@unchecked Sendable`: `listener` and `port` are immutable after `init`; the handler is `@Sendable`.
final class LocalHTTPServer: @unchecked Sendable {
    struct SocketError: Error { var call: String; var code: Int32 }

    let port: UInt16
    private let listener: Int32
    private let handler: @Sendable (LocalRequest) -> LocalResponse

    init(handler: @escaping @Sendable (LocalRequest) -> LocalResponse) throws {
        self.handler = handler
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw SocketError(call: "socket", code: errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let code = errno
            close(fd)
            throw SocketError(call: "bind/listen", code: code)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        spawnThread { [self] in acceptLoop() }
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting (connections already accepted finish on their own).
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            spawnThread { [self] in serve(connection) }
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        guard let request = readRequest(fd) else { return }
        let response = handler(request)
        if response.delayMicroseconds > 0 { usleep(response.delayMicroseconds) }
        var head = "HTTP/1.1 \(response.status) \(reason(response.status))\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(response.body.count)\r\nConnection: close\r\n\r\n"
        writeAll(fd, Array(head.utf8) + response.body)
    }

    private func readRequest(_ fd: Int32) -> LocalRequest? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while headerEnd == nil {
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { return nil }
            buffer += chunk[0..<count]
            headerEnd = buffer.firstRange(of: separator)?.upperBound
        }
        let head = String(decoding: buffer[..<headerEnd!], as: UTF8.self)
        var lines = head.split(separator: "\r\n").map(String.init)
        guard !lines.isEmpty else { return nil }
        let requestLine = lines.removeFirst().split(separator: " ").map(String.init)
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: " ")
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        var body = Array(buffer[headerEnd!...])
        while body.count < length {
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { return nil }
            body += chunk[0..<count]
        }
        return LocalRequest(method: requestLine[0], path: requestLine[1], headers: headers, body: body)
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
            let flags = Int32(MSG_NOSIGNAL)  // the client may have given up (timeouts): no SIGPIPE
            #else
            let flags: Int32 = 0
            #endif
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, flags) }
            guard sent > 0 else { return }
            offset += sent
        }
    }

    private func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        default: "Status"
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(self).trimmingCharacters(in: set)
    }
}

/// Runs `body` on a new detached POSIX thread.
func spawnThread(_ body: @escaping @Sendable () -> Void) {
    final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    #if canImport(Glibc)
    var thread = pthread_t()
    #else
    var thread: pthread_t?
    #endif
    let rc = pthread_create(&thread, nil, { argument in
        Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue().body()
        return nil
    }, box)
    precondition(rc == 0, "pthread_create failed")
    #if canImport(Glibc)
    pthread_detach(thread)
    #else
    pthread_detach(thread!)
    #endif
}

/// A TCP port on 127.0.0.1 that nothing listens on (bound, then closed).
func unusedLocalPort() throws -> UInt16 {
    let server = try LocalHTTPServer { _ in LocalResponse(status: 500) }
    server.stop()
    return server.port
}
