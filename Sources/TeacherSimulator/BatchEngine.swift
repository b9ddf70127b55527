import FoundationEssentials
import SelfInstruct
import Synchronization

// OpenAI's Files and Batches API without HTTP, like SimulatorEngine: request bytes and the current instant in,
// an answer out. Nothing runs in the background: every call first brings each batch up to `now` (answers the
// requests its timeline says are done, writes its files once it has ended), then answers from that state.

/// The Files and Batches routes of one simulator.
struct BatchEngine: Sendable {
    let engine: SimulatorEngine

    private var configuration: SimulatorConfiguration { engine.configuration }
    private var state: SimulatorState { engine.state }

    // MARK: Files

    /// `POST /v1/files`: a multipart upload with `purpose=batch` and a `file` part.
    func uploadFile(body: [UInt8], contentType: String?, authorization: String?, now: Double) -> SimulatedResponse {
        if let denied = engine.checkAuthorization(authorization) { return denied }
        guard let boundary = contentType.flatMap(MultipartFormData.boundary(ofContentType:)) else {
            return invalid("Invalid Content-Type header: expected multipart/form-data with a boundary.")
        }
        let form: MultipartFormData
        do {
            form = try MultipartFormData(body: body, boundary: boundary)
        } catch {
            return invalid("Could not parse the multipart form: \(error.message).")
        }
        guard let purpose = form.part(named: "purpose") else { return invalid("Missing required parameter: 'purpose'.") }
        let purposeText = String(decoding: purpose.content, as: UTF8.self).trimmingWhitespace()
        guard purposeText == "batch" else {
            return invalid("Invalid value for 'purpose': '\(purposeText)'. The simulator accepts only 'batch'.")
        }
        guard let file = form.part(named: "file"), let filename = file.filename else {
            return invalid("Missing required parameter: 'file' (a form part with a filename).")
        }
        let stored = state.batches.withLock { ledger in
            ledger.filesUploaded += 1
            return ledger.addFile(filename: filename, purpose: "batch", createdAt: Self.seconds(now), bytes: file.content)
        }
        return ok(stored.object)
    }

    /// `GET /v1/files/{id}/content`: the bytes of an input, output or error file.
    func fileContent(id: String, authorization: String?) -> SimulatedResponse {
        if let denied = engine.checkAuthorization(authorization) { return denied }
        guard let file = state.batches.withLock({ $0.files[id] }) else { return noSuchFile(id) }
        return SimulatedResponse(status: 200, headers: [("Content-Type", "application/octet-stream")], body: "", bodyBytes: file.bytes)
    }

    // MARK: Batches

    private struct CreateBatchBody: Decodable {
        var inputFileID: String?
        var endpoint: String?
        var completionWindow: String?
        var metadata: [String: String]?

        enum CodingKeys: String, CodingKey {
            case endpoint, metadata
            case inputFileID = "input_file_id"
            case completionWindow = "completion_window"
        }
    }

    /// `POST /v1/batches`. The input file is checked here: a bad file gives a batch that fails after validating.
    func createBatch(body: [UInt8], authorization: String?, now: Double) -> SimulatedResponse {
        if let denied = engine.checkAuthorization(authorization) { return denied }
        guard let request = try? JSONDecoder().decode(CreateBatchBody.self, from: Data(body)) else {
            return invalid("We could not parse the JSON body of your request.")
        }
        guard let inputFileID = request.inputFileID else { return invalid("Missing required parameter: 'input_file_id'.") }
        guard let endpoint = request.endpoint, BatchInputFile.endpoints.contains(endpoint) else {
            return invalid("Invalid value for 'endpoint': expected one of \(BatchInputFile.endpoints.joined(separator: ", ")).")
        }
        guard request.completionWindow == BatchRecord.completionWindow else {
            return invalid("Invalid value for 'completion_window': expected '\(BatchRecord.completionWindow)'.")
        }
        return state.batches.withLock { ledger in
            advance(&ledger, to: now)
            guard let file = ledger.files[inputFileID] else { return noSuchFile(inputFileID) }
            guard file.purpose == "batch" else {
                return invalid("The input file \(inputFileID) has purpose '\(file.purpose)'; a batch needs a file with purpose 'batch'.")
            }
            if ledger.batches.contains(where: { $0.inputFileID == inputFileID }) { ledger.inputFilesReused += 1 }

            let input = BatchInputFile(bytes: file.bytes, endpoint: endpoint)
            let accepted = input.problems.isEmpty
            let index = ledger.batches.count
            var requests: [BatchRecord.Request] = []
            for (requestIndex, line) in input.requests.enumerated() {
                let earlier = ledger.submissions[line.customID] ?? []
                if earlier.contains(where: { isStillOrSuccessfullyAnswered($0, in: ledger, at: now) }) {
                    ledger.duplicateSubmissions += 1
                }
                requests.append(BatchRecord.Request(customID: line.customID, body: line.body, earlierSubmissions: earlier.count))
                ledger.submissions[line.customID, default: []].append(BatchLedger.Submission(batch: index, request: requestIndex))
            }
            let timeline = BatchTimeline(
                createdAt: now, configuration: configuration.batch,
                expiresEarly: accepted && ledger.acceptedBatches < configuration.batch.expireFirst, refused: !accepted)
            if accepted { ledger.acceptedBatches += 1 }
            let record = BatchRecord(
                id: "batch_\(index + 1)", ordinal: index, endpoint: endpoint, inputFileID: inputFileID,
                metadata: request.metadata.map { $0.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) } },
                requests: requests, problems: input.problems, timeline: timeline)
            ledger.batches.append(record)
            ledger.batchIndexByID[record.id] = index
            // A zero delay ends the batch at once.
            advance(&ledger, to: now)
            return ok(ledger.batches[index].object(at: now))
        }
    }

    /// `GET /v1/batches/{id}`.
    func batch(id: String, authorization: String?, now: Double) -> SimulatedResponse {
        if let denied = engine.checkAuthorization(authorization) { return denied }
        return state.batches.withLock { ledger in
            advance(&ledger, to: now)
            guard let index = ledger.batchIndexByID[id] else { return noSuchBatch(id) }
            return ok(ledger.batches[index].object(at: now))
        }
    }

    /// `POST /v1/batches/{id}/cancel`: `cancelling` for a tenth of the delay, then `cancelled` with the answers
    /// given so far. Cancelling a cancelling or cancelled batch answers it again; an ended batch is a 409.
    func cancelBatch(id: String, authorization: String?, now: Double) -> SimulatedResponse {
        if let denied = engine.checkAuthorization(authorization) { return denied }
        return state.batches.withLock { ledger in
            advance(&ledger, to: now)
            guard let index = ledger.batchIndexByID[id] else { return noSuchBatch(id) }
            let status = ledger.batches[index].timeline.status(at: now)
            if status.isRunning {
                ledger.batches[index].timeline.cancel(at: now)
                advance(&ledger, to: now)
            } else if status != .cancelling, status != .cancelled {
                return SimulatedResponse(status: 409, body: openAIError(
                    message: "Cannot cancel a batch with status '\(status.rawValue)'.", type: "invalid_request_error", code: nil).serialized)
            }
            return ok(ledger.batches[index].object(at: now))
        }
    }

    /// `GET /v1/batches?limit=N&after=ID`: newest first; `after` continues below that batch (an unknown one
    /// gives an empty page).
    func listBatches(limit: String?, after: String?, authorization: String?, now: Double) -> SimulatedResponse {
        if let denied = engine.checkAuthorization(authorization) { return denied }
        let pageSize: Int
        if let limit {
            guard let value = Int(limit), (1...100).contains(value) else {
                return invalid("Invalid value for 'limit': '\(limit)'. Expected an integer from 1 to 100.")
            }
            pageSize = value
        } else {
            pageSize = 20
        }
        return state.batches.withLock { ledger in
            advance(&ledger, to: now)
            var remaining: [Int]
            if let after {
                remaining = ledger.batchIndexByID[after].map { Array((0..<$0).reversed()) } ?? []
            } else {
                remaining = Array(ledger.batches.indices.reversed())
            }
            let page = remaining.prefix(pageSize)
            let ids = page.map { ledger.batches[$0].id }
            return ok(.object([
                ("object", .string("list")),
                ("data", .array(page.map { ledger.batches[$0].object(at: now) })),
                ("first_id", ids.first.map(JSONValue.string) ?? .null),
                ("last_id", ids.last.map(JSONValue.string) ?? .null),
                ("has_more", .bool(remaining.count > pageSize)),
            ]))
        }
    }

    /// The `batches` object of `GET /sim/stats`.
    func statsDocument(now: Double) -> JSONValue {
        state.batches.withLock { ledger in
            advance(&ledger, to: now)
            var completed = 0, failed = 0, expired = 0, cancelled = 0, submitted = 0
            var byStatus: [String: Int] = [:]
            for batch in ledger.batches {
                let status = batch.timeline.status(at: now)
                byStatus[status.rawValue, default: 0] += 1
                submitted += batch.requests.count
                let answered = batch.answers.filter { $0.statusCode == 200 }.count
                completed += answered
                failed += batch.answers.count - answered
                if status == .expired { expired += batch.requests.count - batch.answers.count }
                if status == .cancelled { cancelled += batch.requests.count - batch.answers.count }
            }
            return .object([
                ("files_uploaded", .int(ledger.filesUploaded)),
                ("input_files_reused", .int(ledger.inputFilesReused)),
                ("batches_created", .int(ledger.batches.count)),
                ("requests_submitted", .int(submitted)),
                ("distinct_custom_ids", .int(ledger.submissions.count)),
                ("duplicate_submissions", .int(ledger.duplicateSubmissions)),
                ("requests_completed", .int(completed)),
                ("requests_failed", .int(failed)),
                ("requests_expired", .int(expired)),
                ("requests_cancelled", .int(cancelled)),
                ("by_status", .object(byStatus.keys.sorted().map { ($0, .int(byStatus[$0]!)) })),
            ])
        }
    }

    // MARK: Progress

    /// Whether an earlier submission makes a new one a duplicate: its batch may still answer it, or it already
    /// did successfully. (An expired, failed or cancelled attempt leaves a resubmission legitimate.)
    private func isStillOrSuccessfullyAnswered(_ submission: BatchLedger.Submission, in ledger: BatchLedger, at now: Double) -> Bool {
        let batch = ledger.batches[submission.batch]
        if batch.timeline.status(at: now).isRunning { return true }
        return submission.request < batch.answers.count && batch.answers[submission.request].statusCode == 200
    }

    /// Answers every request whose time has come, and writes the files of batches that have ended.
    private func advance(_ ledger: inout BatchLedger, to now: Double) {
        for index in ledger.batches.indices where !ledger.batches[index].isClosed {
            let requests = ledger.batches[index].requests
            let endpoint = ledger.batches[index].endpoint
            let due = ledger.batches[index].timeline.requestsAnswered(of: requests.count, at: now)
            while ledger.batches[index].answers.count < due {
                ledger.batches[index].answers.append(answer(requests[ledger.batches[index].answers.count], endpoint: endpoint))
            }
            if ledger.batches[index].timeline.status(at: now).isTerminal { close(batch: index, in: &ledger, at: now) }
        }
    }

    /// The answer to one request: a 500 for the `fail` share, else whatever the online endpoint answers for the
    /// same body (its delays ignored; a fault status stays a fault status).
    private func answer(_ request: BatchRecord.Request, endpoint: String) -> BatchRecord.Answer {
        var failHasher = StableHash(seed: configuration.seed)
        failHasher.combine(request.customID)
        failHasher.combine(UInt64(request.earlierSubmissions))
        failHasher.combine(0xBA7C_FA11)
        var failRandom = SeededRandom(seed: failHasher.finalize())
        if failRandom.unitDouble() < configuration.batch.failRate {
            return BatchRecord.Answer(statusCode: 500, body: openAIError(
                message: "The server had an error while processing your request. Sorry about that!",
                type: "server_error", code: "internal_error").serialized)
        }
        // The batch was authorised when it was created; its requests run with the configured key.
        let response = engine.completions(
            body: request.body, authorization: configuration.requiredAPIKey.map { "Bearer \($0)" },
            chat: endpoint == "/v1/chat/completions")
        return BatchRecord.Answer(statusCode: response.status, body: response.body)
    }

    /// Writes the output file (answered requests) and error file (failed ones, and those never run because the
    /// batch expired or was cancelled) of an ended batch. A file that would be empty is not created.
    private func close(batch index: Int, in ledger: inout BatchLedger, at now: Double) {
        let batch = ledger.batches[index]
        let status = batch.timeline.status(at: now)
        var output = "", errors = ""
        for (requestIndex, request) in batch.requests.enumerated() {
            let lineID = "batch_req_" + String(StableHash.of(configuration.seed, UInt64(batch.ordinal), UInt64(requestIndex)), radix: 16)
            let line: JSONValue
            if requestIndex < batch.answers.count {
                let answer = batch.answers[requestIndex]
                let requestID = "req_" + String(StableHash.of(configuration.seed, UInt64(batch.ordinal), UInt64(requestIndex), 0x5EC), radix: 16)
                line = .object([
                    ("id", .string(lineID)),
                    ("custom_id", .string(request.customID)),
                    ("response", .object([
                        ("status_code", .int(answer.statusCode)),
                        ("request_id", .string(requestID)),
                        ("body", .raw(answer.body)),
                    ])),
                    ("error", .null),
                ])
                if answer.statusCode == 200 {
                    line.write(into: &output)
                    output += "\n"
                    continue
                }
            } else {
                let error: (code: String, message: String) = status == .cancelled
                    ? ("batch_cancelled", "This request was not executed because the batch was cancelled.")
                    : ("batch_expired", "This request could not be executed before the completion window expired.")
                line = .object([
                    ("id", .string(lineID)),
                    ("custom_id", .string(request.customID)),
                    ("response", .null),
                    ("error", .object([("code", .string(error.code)), ("message", .string(error.message))])),
                ])
            }
            line.write(into: &errors)
            errors += "\n"
        }
        var outputFileID: String?, errorFileID: String?
        if !output.isEmpty {
            outputFileID = ledger.addFile(filename: "\(batch.id)_output.jsonl", purpose: "batch_output", createdAt: Self.seconds(now), bytes: Array(output.utf8)).id
        }
        if !errors.isEmpty {
            errorFileID = ledger.addFile(filename: "\(batch.id)_error.jsonl", purpose: "batch_output", createdAt: Self.seconds(now), bytes: Array(errors.utf8)).id
        }
        ledger.batches[index].outputFileID = outputFileID
        ledger.batches[index].errorFileID = errorFileID
        ledger.batches[index].isClosed = true
    }

    // MARK: Helpers

    private static func seconds(_ instant: Double) -> Int { Int(instant.rounded(.down)) }

    private func ok(_ document: JSONValue) -> SimulatedResponse {
        SimulatedResponse(status: 200, body: document.serialized)
    }

    private func invalid(_ message: String) -> SimulatedResponse {
        SimulatedResponse(status: 400, body: openAIError(message: message, type: "invalid_request_error", code: nil).serialized)
    }

    private func noSuchFile(_ id: String) -> SimulatedResponse {
        SimulatedResponse(status: 404, body: openAIError(message: "No such File object: \(id)", type: "invalid_request_error", code: nil).serialized)
    }

    private func noSuchBatch(_ id: String) -> SimulatedResponse {
        SimulatedResponse(status: 404, body: openAIError(message: "No such Batch object: \(id)", type: "invalid_request_error", code: nil).serialized)
    }
}
