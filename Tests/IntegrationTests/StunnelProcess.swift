import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// stunnel (Debian `stunnel4`) terminating TLS on a free 127.0.0.1 port and forwarding to a plain HTTP port:
/// the HTTPS teacher of the tests. `stop()` ends it.
final class StunnelProcess {
    let process: Process
    /// The TLS port clients connect to.
    let port: Int
    private let configuration: URL

    /// Starts stunnel with `certificate`/`key` in front of 127.0.0.1:`backendPort`; returns once it accepts.
    init(certificate: String, key: String, backendPort: Int, directory: URL) throws {
        let binary = try ServiceGate.program(["stunnel4", "stunnel"], package: "stunnel4")
        port = try Self.freePort()
        configuration = directory.appendingPathComponent("stunnel-\(port).conf")
        // foreground: the test owns the process and sees it die; no syslog, no pid file outside the directory.
        try """
            foreground = yes
            syslog = no
            debug = 3
            pid =
            [teacher]
            accept = 127.0.0.1:\(port)
            connect = 127.0.0.1:\(backendPort)
            cert = \(certificate)
            key = \(key)
            """.write(to: configuration, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [configuration.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(10)
        while !Self.accepts(port) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                stop()
                throw GateFailure(text: "stunnel did not start listening on 127.0.0.1:\(port)")
            }
            usleep(20_000)
        }
    }

    func stop() {
        if process.isRunning {
            // SIGKILL, not terminate(): the test process ignores SIGTERM, and its children inherit that.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: configuration)
    }

    /// A port the kernel just handed out for an ephemeral bind (free now; a race with another program is unlikely).
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else { throw GateFailure(text: "no free port for stunnel") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                connect(fd, raw, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
