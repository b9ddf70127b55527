import Foundation
import TestSupport

// The Files and Batches API as the tests drive it: multipart uploads, batch creation, polling and file reads.

/// A batch route answered with an unexpected status.
struct BatchRouteFailed: Error, CustomStringConvertible {
    var route: String
    var status: Int
    var body: String
    var description: String { "\(route) answered \(status): \(body)" }
}

extension SimulatorClient {
    /// `POST /v1/files` as multipart/form-data with a `purpose` field and a `file` part.
    func upload(
        _ content: Data, purpose: String? = "batch", filename: String? = "input.jsonl", headers: [String: String] = [:]
    ) async throws -> HTTPResult {
        let boundary = "sim-test-boundary-7d41"
        var body = Data()
        if let purpose {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n\(purpose)\r\n".utf8)
        }
        if let filename {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: application/jsonl\r\n\r\n".utf8)
            body += content
            body += Data("\r\n".utf8)
        }
        body += Data("--\(boundary)--\r\n".utf8)
        var allHeaders = headers
        allHeaders["Content-Type"] = "multipart/form-data; boundary=\(boundary)"
        return try await send("POST", "/v1/files", body: body, headers: allHeaders)
    }

    /// Uploads `lines` and returns the file id.
    func uploadLines(_ lines: [BatchLine], headers: [String: String] = [:]) async throws -> String {
        let result = try await upload(BatchLine.file(lines), headers: headers)
        return try Self.require(result, "POST /v1/files")["id"] as? String ?? ""
    }

    /// `POST /v1/batches`.
    func createBatch(
        inputFileID: String, endpoint: String = "/v1/completions", metadata: [String: String]? = nil, headers: [String: String] = [:]
    ) async throws -> HTTPResult {
        var fields: [String: any Sendable] = ["input_file_id": inputFileID, "endpoint": endpoint, "completion_window": "24h"]
        if let metadata { fields["metadata"] = metadata }
        return try await post("/v1/batches", fields, headers: headers)
    }

    /// Uploads `lines`, creates a batch over them and returns the batch id.
    func submit(_ lines: [BatchLine], endpoint: String = "/v1/completions", metadata: [String: String]? = nil) async throws -> String {
        let fileID = try await uploadLines(lines)
        let created = try await createBatch(inputFileID: fileID, endpoint: endpoint, metadata: metadata)
        return try Self.require(created, "POST /v1/batches")["id"] as? String ?? ""
    }

    /// `GET /v1/batches/{id}`, decoded.
    func batch(_ id: String, headers: [String: String] = [:]) async throws -> [String: Any] {
        try Self.require(try await send("GET", "/v1/batches/\(id)", headers: headers), "GET /v1/batches/\(id)")
    }

    /// Polls the batch until its status is one of `statuses` or `timeout` passes; returns the last reading.
    func waitForBatch(
        _ id: String, until statuses: Set<String> = ["completed", "failed", "expired", "cancelled"], timeout: Duration = .seconds(10)
    ) async throws -> [String: Any] {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var latest = try await batch(id)
        while !statuses.contains(latest["status"] as? String ?? ""), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(40))
            latest = try await batch(id)
        }
        return latest
    }

    /// The lines of file `id`, each decoded (`nil` id: no lines).
    func fileLines(_ id: String?) async throws -> [[String: Any]] {
        guard let id else { return [] }
        let result = try await send("GET", "/v1/files/\(id)/content")
        guard result.status == 200 else {
            throw BatchRouteFailed(route: "GET /v1/files/\(id)/content", status: result.status, body: String(decoding: result.body, as: UTF8.self))
        }
        return try result.body.split(separator: UInt8(ascii: "\n")).map { line in
            try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] ?? [:]
        }
    }

    /// The `batches` object of `GET /sim/stats`.
    func batchStats() async throws -> [String: Any] {
        let result = try await send("GET", "/sim/stats")
        return try Self.require(result, "GET /sim/stats")["batches"] as? [String: Any] ?? [:]
    }

    private static func require(_ result: HTTPResult, _ route: String) throws -> [String: Any] {
        guard result.status == 200 else {
            throw BatchRouteFailed(route: route, status: result.status, body: String(decoding: result.body, as: UTF8.self))
        }
        return result.json
    }
}

/// `request_counts` of a batch object as (total, completed, failed).
func requestCounts(_ batch: [String: Any]) -> [Int] {
    let counts = batch["request_counts"] as? [String: Int] ?? [:]
    return [counts["total"] ?? -1, counts["completed"] ?? -1, counts["failed"] ?? -1]
}

/// A JSON value serialised with sorted keys, for byte comparisons of decoded documents.
func canonicalJSON(_ value: Any?) -> Data {
    guard let value else { return Data("null".utf8) }
    return (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])) ?? Data()
}
