import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TeacherSimulator
import TestSupport

// The Files and Batches API over HTTP. Delays are fractions of a second; the simulator computes a batch's
// progress from the clock whenever it is asked, so the tests poll.

@Suite("Batch API over HTTP")
struct BatchTests {
    private static func configuration(_ batch: BatchConfiguration, apiKey: String? = nil) -> SimulatorConfiguration {
        SimulatorConfiguration(requiredAPIKey: apiKey, batch: batch)
    }

    @Test func completedBatchAnswersExactlyLikeTheOnlineEndpoints() async throws {
        try await SimulatorHarness.run(Self.configuration(BatchConfiguration(delaySeconds: 0.2))) { client in
            let completions = [
                try BatchLine("list", prompt: Prompts.instructionList()),
                try BatchLine("sampled", ["model": "si-sim-1", "prompt": [Prompts.instructionList(), "Tell me a story."], "n": 2, "temperature": 0.8]),
                try BatchLine("label", ["model": "si-sim-1", "prompt": Prompts.isClassification("Classify the review as positive or negative."), "max_tokens": 3]),
            ]
            let chats = [
                try BatchLine("chat-1", url: "/v1/chat/completions", ["model": "si-sim-1", "messages": [["role": "user", "content": Prompts.alpaca()]]]),
                try BatchLine("chat-2", url: "/v1/chat/completions", ["model": "si-sim-1", "messages": [["role": "user", "content": "Hello there."]], "seed": 5]),
            ]

            let upload = try await client.upload(BatchLine.file(completions), filename: "requests.jsonl")
            #expect(upload.status == 200)
            let file = upload.json
            #expect(file["object"] as? String == "file")
            #expect(file["purpose"] as? String == "batch")
            #expect(file["filename"] as? String == "requests.jsonl")
            #expect(file["bytes"] as? Int == BatchLine.file(completions).count)
            #expect(file["created_at"] is Int)
            let fileID = try #require(file["id"] as? String)
            #expect(fileID.hasPrefix("file-"))
            let content = try await client.send("GET", "/v1/files/\(fileID)/content")
            #expect(content.body == BatchLine.file(completions))

            let created = try await client.createBatch(inputFileID: fileID, metadata: ["run": "r-1"])
            #expect(created.status == 200)
            #expect(created.json["object"] as? String == "batch")
            #expect(created.json["status"] as? String == "validating")
            #expect(created.json["endpoint"] as? String == "/v1/completions")
            #expect(created.json["input_file_id"] as? String == fileID)
            #expect(created.json["completion_window"] as? String == "24h")
            #expect(created.json["metadata"] as? [String: String] == ["run": "r-1"])
            #expect(created.json["output_file_id"] is NSNull)
            #expect(requestCounts(created.json) == [3, 0, 0])
            let batchID = try #require(created.json["id"] as? String)
            #expect(batchID.hasPrefix("batch_"))
            let chatBatchID = try await client.submit(chats, endpoint: "/v1/chat/completions")

            for (id, lines, endpoint) in [(batchID, completions, "/v1/completions"), (chatBatchID, chats, "/v1/chat/completions")] {
                let done = try await client.waitForBatch(id)
                #expect(done["status"] as? String == "completed")
                #expect(requestCounts(done) == [lines.count, lines.count, 0])
                #expect(done["error_file_id"] is NSNull)
                #expect(done["errors"] is NSNull)
                for key in ["in_progress_at", "finalizing_at", "completed_at", "expires_at"] { #expect(done[key] is Int, "\(key)") }
                for key in ["failed_at", "expired_at", "cancelling_at", "cancelled_at"] { #expect(done[key] is NSNull, "\(key)") }
                let output = try await client.fileLines(done["output_file_id"] as? String)
                #expect(output.map { $0["custom_id"] as? String } == lines.map(\.customID))
                for (line, request) in zip(output, lines) {
                    #expect((line["id"] as? String)?.hasPrefix("batch_req_") == true)
                    #expect(line["error"] is NSNull)
                    let response = try #require(line["response"] as? [String: Any])
                    #expect(response["status_code"] as? Int == 200)
                    #expect(response["request_id"] is String)
                    let online = try await client.send("POST", endpoint, body: request.body)
                    #expect(online.status == 200)
                    let body = response["body"] as? [String: Any]
                    #expect(canonicalJSON(body?["choices"]) == canonicalJSON(online.json["choices"]), "\(request.customID)")
                    #expect(canonicalJSON(body) == canonicalJSON(online.json), "\(request.customID)")
                }
            }
            let stats = try await client.batchStats()
            #expect(stats["files_uploaded"] as? Int == 2)
            #expect(stats["batches_created"] as? Int == 2)
            #expect(stats["requests_submitted"] as? Int == 5)
            #expect(stats["requests_completed"] as? Int == 5)
            #expect(stats["by_status"] as? [String: Int] == ["completed": 2])
        }
    }

    @Test func failedRequestsGoToTheErrorFileAndSucceedWhenResubmitted() async throws {
        try await SimulatorHarness.run(Self.configuration(BatchConfiguration(delaySeconds: 0.1, failRate: 0.5))) { client in
            let lines = try (0..<16).map { try BatchLine("item-\($0)", prompt: "Say something about item \($0).") }
            let first = try await client.waitForBatch(try await client.submit(lines))
            #expect(first["status"] as? String == "completed")
            let counts = requestCounts(first)
            #expect(counts[0] == 16)
            #expect(counts[1] > 0 && counts[2] > 0)
            let output = try await client.fileLines(first["output_file_id"] as? String)
            let errors = try await client.fileLines(first["error_file_id"] as? String)
            #expect(output.count == counts[1])
            #expect(errors.count == counts[2])
            for line in errors {
                let response = line["response"] as? [String: Any]
                #expect(response?["status_code"] as? Int == 500)
                let error = (response?["body"] as? [String: Any])?["error"] as? [String: Any]
                #expect(error?["type"] as? String == "server_error")
                #expect(error?["message"] is String)
                #expect(line["error"] is NSNull)
            }
            let failedIDs = Set(errors.compactMap { $0["custom_id"] as? String })
            #expect(failedIDs.isDisjoint(with: output.compactMap { $0["custom_id"] as? String }))

            // The second submission of each failed id draws again; some now succeed.
            let retry = try await client.waitForBatch(try await client.submit(lines.filter { failedIDs.contains($0.customID) }))
            #expect(retry["status"] as? String == "completed")
            let retried = try await client.fileLines(retry["output_file_id"] as? String)
            #expect(!retried.isEmpty)
            #expect(Set(retried.compactMap { $0["custom_id"] as? String }).isSubset(of: failedIDs))
            let stats = try await client.batchStats()
            #expect(stats["duplicate_submissions"] as? Int == 0)
            #expect(stats["requests_failed"] as? Int == counts[2] + requestCounts(retry)[2])
            #expect(stats["distinct_custom_ids"] as? Int == 16)
        }
    }

    @Test func onlineFaultsBecomeErrorLinesWithTheirStatus() async throws {
        let configuration = SimulatorConfiguration(
            faults: FaultInjection(rate429: 1, faultsOnlyOnFirstAttempts: 1), batch: BatchConfiguration(delaySeconds: 0.1))
        try await SimulatorHarness.run(configuration) { client in
            let lines = try (0..<3).map { try BatchLine("f\($0)", prompt: "Faulted \($0).") }
            let first = try await client.waitForBatch(try await client.submit(lines))
            #expect(requestCounts(first) == [3, 0, 3])
            #expect(first["output_file_id"] is NSNull)
            let errors = try await client.fileLines(first["error_file_id"] as? String)
            #expect(errors.map { ($0["response"] as? [String: Any])?["status_code"] as? Int } == [429, 429, 429])
            let codes = errors.map { (($0["response"] as? [String: Any])?["body"] as? [String: Any])?["error"] as? [String: Any] }
            #expect(codes.map { $0?["code"] as? String } == Array(repeating: "rate_limit_exceeded", count: 3))
            // Same bodies again: their second attempt is past `first-attempts`, as it would be online.
            let second = try await client.waitForBatch(try await client.submit(lines))
            #expect(requestCounts(second) == [3, 3, 0])
        }
    }

    @Test func expireFirstExpiresTheFirstBatchWithTheLeadingRequestsDone() async throws {
        let batch = BatchConfiguration(delaySeconds: 0.2, expireFirst: 1, expireDoneFraction: 0.5)
        try await SimulatorHarness.run(Self.configuration(batch)) { client in
            let lines = try (0..<7).map { try BatchLine("r\($0)", prompt: "Request \($0).") }
            let fileID = try await client.uploadLines(lines)
            let firstID = try #require(try await client.createBatch(inputFileID: fileID).json["id"] as? String)
            let first = try await client.waitForBatch(firstID)
            #expect(first["status"] as? String == "expired")
            #expect(first["expired_at"] is Int)
            #expect(first["completed_at"] is NSNull)
            #expect(requestCounts(first) == [7, 3, 4])  // floor(0.5 · 7) answered
            let output = try await client.fileLines(first["output_file_id"] as? String)
            #expect(output.compactMap { $0["custom_id"] as? String } == ["r0", "r1", "r2"])
            let missing = try await client.fileLines(first["error_file_id"] as? String)
            #expect(missing.compactMap { $0["custom_id"] as? String } == ["r3", "r4", "r5", "r6"])
            for line in missing {
                #expect(line["response"] is NSNull)
                let error = line["error"] as? [String: Any]
                #expect(error?["code"] as? String == "batch_expired")
                #expect(error?["message"] as? String == "This request could not be executed before the completion window expired.")
            }

            // The same file again: only the first batch expires.
            let second = try await client.waitForBatch(try #require(try await client.createBatch(inputFileID: fileID).json["id"] as? String))
            #expect(second["status"] as? String == "completed")
            #expect(requestCounts(second) == [7, 7, 0])
            let stats = try await client.batchStats()
            #expect(stats["input_files_reused"] as? Int == 1)
            #expect(stats["requests_submitted"] as? Int == 14)
            #expect(stats["distinct_custom_ids"] as? Int == 7)
            #expect(stats["requests_completed"] as? Int == 10)
            #expect(stats["requests_expired"] as? Int == 4)
            // r0…r2 were answered by the expired batch; r3…r6 were not, so resubmitting them is legitimate.
            #expect(stats["duplicate_submissions"] as? Int == 3)
            #expect(stats["by_status"] as? [String: Int] == ["completed": 1, "expired": 1])
        }
    }

    @Test func expireAfterStopsSlowBatches() async throws {
        let batch = BatchConfiguration(delaySeconds: 0.4, expireAfterSeconds: 0.2)
        try await SimulatorHarness.run(Self.configuration(batch)) { client in
            let lines = try (0..<10).map { try BatchLine("s\($0)", prompt: "Slow \($0).") }
            let expired = try await client.waitForBatch(try await client.submit(lines))
            #expect(expired["status"] as? String == "expired")
            #expect(requestCounts(expired) == [10, 5, 5])  // 0.2 s of 0.4 s
        }
    }

    @Test func duplicateSubmissionsCountRunningAndAnsweredRequestsOnly() async throws {
        try await SimulatorHarness.run(Self.configuration(BatchConfiguration(delaySeconds: 0.3))) { client in
            let x = try BatchLine("x", prompt: "First.")
            let y = try BatchLine("y", prompt: "Second.")
            let first = try await client.submit([x, y])
            // x again while the first batch still runs: a duplicate.
            let second = try await client.submit([x])
            #expect(try await client.batchStats()["duplicate_submissions"] as? Int == 1)
            _ = try await client.waitForBatch(first)
            _ = try await client.waitForBatch(second)
            // y again after the first batch answered it: a duplicate too.
            _ = try await client.submit([y])
            let stats = try await client.batchStats()
            #expect(stats["duplicate_submissions"] as? Int == 2)
            #expect(stats["requests_submitted"] as? Int == 4)
            #expect(stats["distinct_custom_ids"] as? Int == 2)
        }
    }

    @Test func cancelKeepsTheAnswersGivenSoFar() async throws {
        try await SimulatorHarness.run(Self.configuration(BatchConfiguration(delaySeconds: 2))) { client in
            let lines = try (0..<20).map { try BatchLine("c\($0)", prompt: "Cancelled batch item \($0).") }
            let id = try await client.submit(lines)
            try await Task.sleep(for: .milliseconds(600))
            let cancelling = try await client.send("POST", "/v1/batches/\(id)/cancel")
            #expect(cancelling.status == 200)
            #expect(cancelling.json["status"] as? String == "cancelling")
            #expect(cancelling.json["cancelling_at"] is Int)
            let cancelled = try await client.waitForBatch(id)
            #expect(cancelled["status"] as? String == "cancelled")
            #expect(cancelled["cancelled_at"] is Int)
            let counts = requestCounts(cancelled)
            #expect(counts[0] == 20)
            #expect(counts[1] >= 1 && counts[1] < 20)
            #expect(counts[1] + counts[2] == 20)
            let output = try await client.fileLines(cancelled["output_file_id"] as? String)
            #expect(output.compactMap { $0["custom_id"] as? String } == lines.prefix(counts[1]).map(\.customID))
            let notRun = try await client.fileLines(cancelled["error_file_id"] as? String)
            #expect(notRun.compactMap { $0["custom_id"] as? String } == lines.dropFirst(counts[1]).map(\.customID))
            #expect(notRun.allSatisfy { ($0["error"] as? [String: Any])?["code"] as? String == "batch_cancelled" && $0["response"] is NSNull })

            let again = try await client.send("POST", "/v1/batches/\(id)/cancel")
            #expect(again.status == 200)
            #expect(again.json["status"] as? String == "cancelled")
            let stats = try await client.batchStats()
            #expect(stats["requests_cancelled"] as? Int == counts[2])
            #expect(stats["by_status"] as? [String: Int] == ["cancelled": 1])

            // Resubmitting what the cancelled batch never ran is no duplicate.
            let rest = try await client.submit(Array(lines.dropFirst(counts[1])))
            #expect(try await client.batchStats()["duplicate_submissions"] as? Int == 0)
            _ = try await client.send("POST", "/v1/batches/\(rest)/cancel")
        }
    }

    @Test func anEndedBatchCannotBeCancelled() async throws {
        try await SimulatorHarness.run(Self.configuration(BatchConfiguration(delaySeconds: 0))) { client in
            let id = try await client.submit([try BatchLine("now", prompt: "At once.")])
            #expect(try await client.batch(id)["status"] as? String == "completed")
            let refused = try await client.send("POST", "/v1/batches/\(id)/cancel")
            #expect(refused.status == 409)
            #expect((refused.json["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")
        }
    }

    @Test func listPagesNewestFirstAndResetForgetsBatches() async throws {
        try await SimulatorHarness.run(Self.configuration(BatchConfiguration(delaySeconds: 30))) { client in
            var ids: [String] = []
            var fileIDs: [String] = []
            for n in 0..<3 {
                let fileID = try await client.uploadLines([try BatchLine("l\(n)", prompt: "List \(n).")])
                fileIDs.append(fileID)
                let created = try await client.createBatch(inputFileID: fileID, metadata: ["job": "j\(n)"])
                ids.append(try #require(created.json["id"] as? String))
            }
            let page = try await client.send("GET", "/v1/batches?limit=2")
            #expect(page.status == 200)
            #expect(page.json["object"] as? String == "list")
            let data = page.json["data"] as? [[String: Any]] ?? []
            #expect(data.compactMap { $0["id"] as? String } == [ids[2], ids[1]])
            #expect(data.compactMap { $0["input_file_id"] as? String } == [fileIDs[2], fileIDs[1]])
            #expect(data.compactMap { ($0["metadata"] as? [String: String])?["job"] } == ["j2", "j1"])
            #expect(page.json["first_id"] as? String == ids[2])
            #expect(page.json["last_id"] as? String == ids[1])
            #expect(page.json["has_more"] as? Bool == true)

            let next = try await client.send("GET", "/v1/batches?limit=2&after=\(ids[1])")
            #expect((next.json["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [ids[0]])
            #expect(next.json["has_more"] as? Bool == false)
            let all = try await client.send("GET", "/v1/batches")
            #expect((all.json["data"] as? [[String: Any]])?.count == 3)
            #expect(try await client.send("GET", "/v1/batches?limit=0").status == 400)

            _ = try await client.send("POST", "/sim/reset")
            let empty = try await client.send("GET", "/v1/batches")
            #expect((empty.json["data"] as? [[String: Any]])?.isEmpty == true)
            #expect(empty.json["first_id"] is NSNull)
            #expect(empty.json["has_more"] as? Bool == false)
            #expect(try await client.send("GET", "/v1/batches/\(ids[0])").status == 404)
            #expect(try await client.send("GET", "/v1/files/\(fileIDs[0])/content").status == 404)
            #expect(try await client.batchStats()["batches_created"] as? Int == 0)
        }
    }

    @Test func batchRoutesNeedTheConfiguredKey() async throws {
        let key = "sk-batch-test"
        try await SimulatorHarness.run(Self.configuration(BatchConfiguration(delaySeconds: 0.1), apiKey: key)) { client in
            let lines = [try BatchLine("k", prompt: "Authorised.")]
            #expect(try await client.upload(BatchLine.file(lines)).status == 401)
            let wrong = try await client.upload(BatchLine.file(lines), headers: ["Authorization": "Bearer nope"])
            #expect(wrong.status == 401)
            #expect(wrong.errorCode == "invalid_api_key")

            let authorised = ["Authorization": "Bearer \(key)"]
            let fileID = try await client.uploadLines(lines, headers: authorised)
            #expect(try await client.createBatch(inputFileID: fileID).status == 401)
            let created = try await client.createBatch(inputFileID: fileID, headers: authorised)
            let id = try #require(created.json["id"] as? String)
            for (method, path) in [("GET", "/v1/files/\(fileID)/content"), ("GET", "/v1/batches"), ("GET", "/v1/batches/\(id)"), ("POST", "/v1/batches/\(id)/cancel")] {
                #expect(try await client.send(method, path).status == 401, "\(method) \(path)")
            }
            var done = try await client.batch(id, headers: authorised)
            while !(["completed", "failed"] as Set).contains(done["status"] as? String ?? "") {
                try await Task.sleep(for: .milliseconds(40))
                done = try await client.batch(id, headers: authorised)
            }
            // The requests ran with the key: answered, not 401s.
            #expect(requestCounts(done) == [1, 1, 0])
        }
    }

    @Test func malformedUploadsAndRequestsAreRefused() async throws {
        try await SimulatorHarness.run(Self.configuration(BatchConfiguration(delaySeconds: 0.1))) { client in
            let good = BatchLine.file([try BatchLine("a", prompt: "Fine.")])
            let wrongPurpose = try await client.upload(good, purpose: "fine-tune")
            #expect(wrongPurpose.status == 400)
            #expect((wrongPurpose.json["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")
            #expect(try await client.upload(good, purpose: nil).status == 400)
            #expect(try await client.upload(good, filename: nil).status == 400)
            #expect(try await client.send("POST", "/v1/files", body: good).status == 400)  // not multipart

            #expect(try await client.createBatch(inputFileID: "file-999").status == 404)
            #expect(try await client.send("GET", "/v1/files/file-999/content").status == 404)
            #expect(try await client.send("GET", "/v1/batches/batch_999").status == 404)
            #expect(try await client.send("POST", "/v1/batches/batch_999/cancel").status == 404)
            let fileID = try await client.uploadLines([try BatchLine("a", prompt: "Fine.")])
            #expect(try await client.createBatch(inputFileID: fileID, endpoint: "/v1/embeddings").status == 400)
            #expect(try await client.post("/v1/batches", ["input_file_id": fileID, "endpoint": "/v1/completions", "completion_window": "1h"]).status == 400)
            #expect(try await client.send("POST", "/v1/batches", body: Data("{".utf8)).status == 400)

            let body = #"{"model":"si-sim-1","prompt":"x"}"#
            let badLines = [
                #"{"custom_id":"ok","method":"POST","url":"/v1/completions","body":\#(body)}"#,
                #"{"custom_id":"broken","method":"POST","#,
                #"{"method":"POST","url":"/v1/completions","body":\#(body)}"#,
                #"{"custom_id":"get","method":"GET","url":"/v1/completions","body":\#(body)}"#,
                #"{"custom_id":"chat","method":"POST","url":"/v1/chat/completions","body":\#(body)}"#,
                #"{"custom_id":"ok","method":"POST","url":"/v1/completions","body":\#(body)}"#,
                #"{"custom_id":"nobody","method":"POST","url":"/v1/completions"}"#,
                #"{"custom_id":"embed","method":"POST","url":"/v1/embeddings","body":\#(body)}"#,
            ]
            let badFile = try #require(try await client.upload(Data(badLines.joined(separator: "\n").utf8)).json["id"] as? String)
            let created = try await client.createBatch(inputFileID: badFile)
            #expect(created.status == 200)
            let failed = try await client.waitForBatch(try #require(created.json["id"] as? String))
            #expect(failed["status"] as? String == "failed")
            #expect(failed["failed_at"] is Int)
            #expect(failed["in_progress_at"] is NSNull)
            #expect(requestCounts(failed) == [0, 0, 0])
            #expect(failed["output_file_id"] is NSNull)
            #expect(failed["error_file_id"] is NSNull)
            let errors = try #require(failed["errors"] as? [String: Any])
            #expect(errors["object"] as? String == "list")
            let problems = (errors["data"] as? [[String: Any]] ?? []).map { "\($0["line"] as? Int ?? 0):\($0["code"] as? String ?? "")" }
            #expect(problems == [
                "2:invalid_json_line", "3:missing_required_parameter", "4:invalid_method", "5:mismatched_endpoint",
                "6:duplicate_custom_id", "7:missing_required_parameter", "8:invalid_url",
            ])

            let empty = try #require(try await client.upload(Data("\n\n".utf8)).json["id"] as? String)
            let emptyBatch = try await client.waitForBatch(try #require(try await client.createBatch(inputFileID: empty).json["id"] as? String))
            #expect(emptyBatch["status"] as? String == "failed")
            #expect(((emptyBatch["errors"] as? [String: Any])?["data"] as? [[String: Any]])?.first?["code"] as? String == "empty_file")

            let stats = try await client.batchStats()
            #expect(stats["batches_created"] as? Int == 2)
            #expect(stats["requests_submitted"] as? Int == 0)
            #expect(stats["by_status"] as? [String: Int] == ["failed": 2])
        }
    }

    @Test func batchSpecStrings() throws {
        let parsed = try BatchConfiguration(spec: "delay=2,fail=0.05,expire-first=1,expire-done=0.25,expire-after=1.5")
        #expect(parsed == BatchConfiguration(delaySeconds: 2, failRate: 0.05, expireFirst: 1, expireDoneFraction: 0.25, expireAfterSeconds: 1.5))
        #expect(try BatchConfiguration(spec: "") == BatchConfiguration())
        #expect(try BatchConfiguration(spec: "delay=0.2") == BatchConfiguration(delaySeconds: 0.2))
        for bad in ["fail=2", "delay=-1", "expire-first=1.5", "speed=3", "delay"] {
            #expect(throws: SimulatorSpecError.self, "\(bad)") { try BatchConfiguration(spec: bad) }
        }
    }
}
