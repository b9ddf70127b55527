import Foundation
import TestSupport

/// A throwaway certificate authority made with the `openssl` command in a temporary directory, and server
/// certificates it signs. `remove()` deletes the directory (keys included).
struct TestCertificateAuthority {
    let directory: URL
    /// The CA certificate, PEM: what a client is told to trust.
    var caFile: String { directory.appendingPathComponent("ca.pem").path }

    private let openssl: String

    /// A new CA named `name` (also the directory's prefix).
    init(name: String) throws {
        openssl = try ServiceGate.program(["openssl"], package: "openssl")
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(uniqueSuffix())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try run([
            "req", "-x509", "-new", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=\(name)",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout", "ca.key", "-out", "ca.pem",
        ])
    }

    /// A server certificate for `names` (DNS names and IP addresses, each also as a DNS name for rabbitmq-c),
    /// signed by this CA; returns the certificate and key paths.
    func issueServerCertificate(file: String, names: [String] = ["localhost", "127.0.0.1"]) throws -> (certificate: String, key: String) {
        let alternatives = names.flatMap { name in
            name.allSatisfy({ $0.isNumber || $0 == "." }) ? ["DNS:\(name)", "IP:\(name)"] : ["DNS:\(name)"]
        }
        try "subjectAltName=\(alternatives.joined(separator: ","))\nextendedKeyUsage=serverAuth\n"
            .write(to: directory.appendingPathComponent("\(file).ext"), atomically: true, encoding: .utf8)
        try run(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(names[0])", "-keyout", "\(file).key", "-out", "\(file).csr"])
        try run([
            "x509", "-req", "-in", "\(file).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-extfile", "\(file).ext", "-out", "\(file).pem",
        ])
        return (directory.appendingPathComponent("\(file).pem").path, directory.appendingPathComponent("\(file).key").path)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw GateFailure(text: "openssl \(arguments.prefix(2).joined(separator: " ")) failed: \(text)")
        }
    }
}
