// OpenAI's Files and Batches endpoints over the teacher's transport: the same base URL, key, timeouts and
// retry policy as online calls. Reads and uploads retry retryable failures with backoff; creating a batch never
// does, since a lost answer would leave a second batch behind: the caller looks for the batch first
// (`batch(madeFrom:)`) and creates one only when the provider has none.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Logging
import SelfInstruct
import Synchronization

/// Talks to a provider's batch API. Sendable; share one per process.
public final class BatchClient: Sendable {
    private let config: TeacherConfig
    private let transport: any HTTPTransport
    private let logger: Logger
    private let clock: TeacherClock
    private let jitter: Mutex<SeededRandom>

    public init(config: TeacherConfig, transport: any HTTPTransport, logger: Logger? = nil, clock: TeacherClock = .continuous) {
        self.config = config
        self.transport = transport
        self.logger = logger ?? Logger(label: "teacher.batch", factory: { _ in SwiftLogNoOpLogHandler() })
        self.clock = clock
        self.jitter = Mutex(SeededRandom(seed: UInt64.random(in: .min ... .max)))
    }

    /// Uploads a batch input file (`POST /v1/files`, purpose `batch`).
    public func upload(batchInput content: [UInt8], fileName: String) async throws -> RemoteFile {
        let boundary = "si-batch-" + String(UInt64.random(in: .min ... .max), radix: 16) + String(UInt64.random(in: .min ... .max), radix: 16)
        let body = BatchWire.multipart(purpose: "batch", fileName: fileName, content: content, boundary: boundary)
        let response = try await send(
            .post, path: "/v1/files", body: body, contentType: "multipart/form-data; boundary=\(boundary)", retrying: true)
        return try BatchWire.decode(RemoteFile.self, response, operation: "POST /v1/files")
    }

    /// Creates a batch from an uploaded file (`POST /v1/batches`); sent once, never retried here.
    public func createBatch(
        inputFileID: String, endpoint: String, completionWindow: String, metadata: [String: String]
    ) async throws -> RemoteBatch {
        let body = try OpenAIWire.encode(BatchWire.CreateBatch(
            inputFileID: inputFileID, endpoint: endpoint, completionWindow: completionWindow, metadata: metadata))
        let response = try await send(.post, path: "/v1/batches", body: body, contentType: "application/json", retrying: false)
        return try BatchWire.decode(RemoteBatch.self, response, operation: "POST /v1/batches")
    }

    /// The batch's current state (`GET /v1/batches/{id}`).
    public func batch(id: String) async throws -> RemoteBatch {
        let response = try await send(.get, path: "/v1/batches/\(Self.pathSegment(id))", retrying: true)
        return try BatchWire.decode(RemoteBatch.self, response, operation: "GET /v1/batches/{id}")
    }

    /// Asks the provider to cancel the batch (`POST /v1/batches/{id}/cancel`).
    public func cancel(batchID id: String) async throws -> RemoteBatch {
        let response = try await send(.post, path: "/v1/batches/\(Self.pathSegment(id))/cancel", body: [], contentType: "application/json", retrying: true)
        return try BatchWire.decode(RemoteBatch.self, response, operation: "POST /v1/batches/{id}/cancel")
    }

    /// A file's bytes (`GET /v1/files/{id}/content`).
    public func content(ofFile id: String) async throws -> [UInt8] {
        try await send(.get, path: "/v1/files/\(Self.pathSegment(id))/content", retrying: true)
    }

    /// The batch the provider made from `inputFileID`, if any: pages through `GET /v1/batches` (newest first) until it
    /// finds it or passes batches created before `notBefore` (Unix seconds; a margin is allowed for clock skew).
    public func batch(madeFrom inputFileID: String, notBefore: Int) async throws -> RemoteBatch? {
        var after: String?
        for _ in 0..<100 {
            var path = "/v1/batches?limit=100"
            if let after { path += "&after=\(Self.pathSegment(after))" }
            let response = try await send(.get, path: path, retrying: true)
            let page = try BatchWire.decode(RemoteBatchPage.self, response, operation: "GET /v1/batches")
            if let found = page.data.first(where: { $0.inputFileID == inputFileID }) { return found }
            let oldest = page.data.compactMap(\.createdAt).min()
            guard page.hasMore == true, let last = page.lastID ?? page.data.last?.id,
                  (oldest ?? .max) >= notBefore - 3600
            else { return nil }
            after = last
        }
        return nil
    }

    /// An id as one path segment: providers' ids are [A-Za-z0-9_-]; anything else is percent-encoded.
    static func pathSegment(_ id: String) -> String {
        var out = ""
        for byte in id.utf8 {
            let c = Character(UnicodeScalar(byte))
            if c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == ".") {
                out.append(c)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// One exchange; retryable failures are retried with backoff (honouring `Retry-After`) when `retrying`.
    private func send(
        _ method: HTTPRequest.Method, path: String, body: [UInt8]? = nil, contentType: String? = nil, retrying: Bool
    ) async throws -> [UInt8] {
        var headers = [HTTPHeader(name: "Accept", value: "application/json")]
        if let contentType { headers.append(HTTPHeader(name: "Content-Type", value: contentType)) }
        if let apiKey = config.apiKey { headers.append(HTTPHeader(name: "Authorization", value: "Bearer \(apiKey.value)")) }
        let request = HTTPRequest(
            method: method, url: config.baseURL + path, headers: headers, body: body,
            connectTimeout: config.connectTimeout, timeout: config.requestTimeout)
        let operation = "\(method.rawValue) \(HTTPRequest.path(of: config.baseURL + path))"
        var attempt = 0
        while true {
            attempt += 1
            var failure: TeacherError
            do {
                let response = try await transport.send(request)
                guard let error = ErrorClassifier.classify(
                    status: response.status, body: response.body,
                    retryAfter: response.headerValue("Retry-After").flatMap { RetryAfter.parse($0, nowUnixSeconds: Int64(Date().timeIntervalSince1970)) },
                    operation: operation)
                else { return response.body }
                failure = error
            } catch let error as TeacherError {
                failure = error
            }
            failure = failure.redacting(config.apiKey?.value)
            guard retrying, config.retry.shouldRetry(failure, afterAttempt: attempt) else { throw failure }
            let delay = jitter.withLock { random in
                config.retry.backoff.delay(afterAttempt: attempt, retryAfter: failure.retryAfter, using: &random)
            }
            logger.info("teacher.batch_retrying", metadata: [
                "teacher.operation": "\(operation)", "error.kind": "\(failure.kind.rawValue)",
                "teacher.delay_ms": "\(Int(delay.secondsDouble * 1000))",
            ])
            try await clock.sleep(for: delay)
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
