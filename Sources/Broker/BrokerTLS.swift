import SelfInstruct

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How an `amqps://` connection checks the broker and, optionally, proves who we are. Ignored for `amqp://`.
///
/// Read from `SI_AMQP_CA_FILE`, `SI_AMQP_TLS_VERIFY`, `SI_AMQP_CERT_FILE` and `SI_AMQP_KEY_FILE` by every
/// program that connects (the daemons through `WorkerConfig`, `sictl doctor`).
public struct BrokerTLS: Sendable, Hashable, CustomStringConvertible {
    /// What the client checks about the broker's certificate.
    public enum Verification: String, Sendable, Hashable, CaseIterable {
        /// The chain up to a trusted CA and the host name of the URL (the default, like libpq's `verify-full`).
        case full
        /// The chain only, for a broker reached by an address its certificate does not name.
        case ca
        /// Nothing: encryption without authentication (tests and migrations only; anyone in the path can listen).
        case none
    }

    /// PEM file of the CA(s) that sign the broker's certificate; nil means the system's CA bundle.
    public var caFile: String?
    public var verification: Verification
    /// PEM client certificate (chain) for brokers that ask for one; set together with `keyFile`.
    public var certificateFile: String?
    /// Unencrypted PEM private key of `certificateFile` (rabbitmq-c cannot read password-protected keys).
    public var keyFile: String?

    public init(caFile: String? = nil, verification: Verification = .full, certificateFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.verification = verification
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// A variable that is malformed; names it and the expected form.
    public struct EnvironmentError: Error, Sendable, Hashable, CustomStringConvertible {
        public var variable: String
        public var problem: String

        public var description: String { "\(variable): \(problem)" }
    }

    /// Reads the settings from `environment`; unset variables keep the defaults (verify everything, system CAs).
    public init(environment: [String: String]) throws(EnvironmentError) {
        func value(_ name: String) -> String? {
            guard let text = environment[name].map(PythonText.strip), !text.isEmpty else { return nil }
            return text
        }
        var verification = Verification.full
        if let text = value(EnvironmentVariable.amqpTLSVerify) {
            guard let parsed = Verification(rawValue: PythonText.lower(text)) else {
                throw EnvironmentError(variable: EnvironmentVariable.amqpTLSVerify, problem: "expected full, ca or none")
            }
            verification = parsed
        }
        let certificate = value(EnvironmentVariable.amqpCertFile)
        let key = value(EnvironmentVariable.amqpKeyFile)
        guard (certificate == nil) == (key == nil) else {
            throw EnvironmentError(
                variable: certificate == nil ? EnvironmentVariable.amqpCertFile : EnvironmentVariable.amqpKeyFile,
                problem: "set both \(EnvironmentVariable.amqpCertFile) and \(EnvironmentVariable.amqpKeyFile), or neither")
        }
        self.init(caFile: value(EnvironmentVariable.amqpCAFile), verification: verification, certificateFile: certificate, keyFile: key)
    }

    /// One line for logs: paths and the mode (no secrets live here; the key file's contents are never read by us).
    public var description: String {
        var parts = ["verify=\(verification.rawValue)", "ca=\(caFile ?? "system")"]
        if let certificateFile { parts.append("cert=\(certificateFile)") }
        return parts.joined(separator: " ")
    }

    /// Where Linux distributions and macOS keep the system CA bundle (Go's crypto/x509 list, shortened);
    /// rabbitmq-c's SSL context starts with no trusted CA at all, so without `caFile` one of these is loaded.
    static let systemBundles = [
        "/etc/ssl/certs/ca-certificates.crt",  // Debian, Ubuntu, Arch, Alpine
        "/etc/pki/tls/certs/ca-bundle.crt",  // Fedora, RHEL
        "/etc/ssl/ca-bundle.pem",  // openSUSE
        "/etc/ssl/cert.pem",  // macOS, Alpine
    ]

    /// `caFile`, or the first system bundle that exists.
    var effectiveCAFile: String? {
        if let caFile { return caFile }
        return Self.systemBundles.first { access($0, R_OK) == 0 }
    }
}
