internal import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
#elseif canImport(Darwin)
import Darwin
#endif

/// One `CURL` easy handle plus the C memory that must live exactly as long as it (header list, error buffer).
/// Confined to the loop thread; `close()` is explicit and `deinit` asserts it ran.
final class EasyHandle {
    private(set) var pointer: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer: UnsafeMutablePointer<CChar>

    init(operation: String) throws(TeacherError) {
        guard let pointer = curl_easy_init() else {
            throw ErrorClassifier.classify(transportFailure: .other, detail: "curl_easy_init failed", operation: operation)
        }
        self.pointer = pointer
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    /// Applies every option for `request`; `context` is the transfer's retained `TransferContext`.
    func configure(
        for request: HTTPRequest, context: UnsafeMutableRawPointer, configuration: CurlTransport.Configuration
    ) throws(TeacherError) {
        let operation = request.operation
        let easy = pointer
        func check(_ code: CURLcode, _ option: String) throws(TeacherError) {
            guard code == CURLE_OK else {
                throw ErrorClassifier.classify(
                    transportFailure: code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL ? .invalidRequest : .other,
                    detail: "\(option): \(String(cString: curl_easy_strerror(code)))", operation: operation,
                    code: Int(code.rawValue))
            }
        }
        try check(si_curl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        try check(si_curl_easy_setopt_string(easy, CURLOPT_URL, request.url), "CURLOPT_URL")
        try check(si_curl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"), "CURLOPT_PROTOCOLS_STR")
        // Signals cannot be used for DNS timeouts from a non-main thread.
        try check(si_curl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
        try check(
            si_curl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout)),
            "CURLOPT_CONNECTTIMEOUT_MS")
        try check(si_curl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout)), "CURLOPT_TIMEOUT_MS")
        try check(si_curl_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1), "CURLOPT_TCP_KEEPALIVE")
        try check(si_curl_easy_setopt_string(easy, CURLOPT_USERAGENT, configuration.userAgent), "CURLOPT_USERAGENT")
        if let caFile = configuration.caFile {
            try check(si_curl_easy_setopt_string(easy, CURLOPT_CAINFO, caFile), "CURLOPT_CAINFO")
        }
        // An empty string asks for every encoding libcurl can decode.
        try check(si_curl_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, ""), "CURLOPT_ACCEPT_ENCODING")
        try check(si_curl_easy_setopt_pointer(easy, CURLOPT_PRIVATE, context), "CURLOPT_PRIVATE")
        try check(si_curl_easy_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION, curlWriteBody), "CURLOPT_WRITEFUNCTION")
        try check(si_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context), "CURLOPT_WRITEDATA")
        try check(si_curl_easy_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION, curlWriteHeader), "CURLOPT_HEADERFUNCTION")
        try check(si_curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context), "CURLOPT_HEADERDATA")

        // libcurl otherwise sends `Expect: 100-continue` for bodies over 1 KiB and waits up to a second for servers
        // that never answer it.
        var lines = request.headers.map { "\($0.name): \($0.value)" }
        lines.append("Expect:")
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else {
                throw ErrorClassifier.classify(transportFailure: .other, detail: "curl_slist_append failed", operation: operation)
            }
            headerList = appended
        }
        try check(si_curl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList), "CURLOPT_HTTPHEADER")

        switch request.method {
        case .get:
            try check(si_curl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1), "CURLOPT_HTTPGET")
        case .post:
            let body = request.body ?? []
            try check(si_curl_easy_setopt_long(easy, CURLOPT_POST, 1), "CURLOPT_POST")
            // The size first: COPYPOSTFIELDS copies that many bytes (else it would use strlen).
            try check(si_curl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "CURLOPT_POSTFIELDSIZE_LARGE")
            // COPYPOSTFIELDS, not POSTFIELDS: libcurl keeps its own copy, so the Swift array may go away now.
            var code = CURLE_OK
            body.withUnsafeBytes { bytes in
                // A zero-length body still needs a valid pointer.
                var empty: UInt8 = 0
                let base = bytes.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) }
                code = withUnsafeMutablePointer(to: &empty) { fallback in
                    si_curl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, base ?? UnsafeMutableRawPointer(fallback))
                }
            }
            try check(code, "CURLOPT_COPYPOSTFIELDS")
        }
    }

    /// libcurl's own error text for the last failure, or `curl_easy_strerror` when the buffer is empty.
    func errorDetail(_ code: CURLcode) -> String {
        let buffered = String(cString: errorBuffer)
        return buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
    }

    func responseCode() -> Int {
        var status = 0
        _ = si_curl_easy_getinfo_long(pointer, CURLINFO_RESPONSE_CODE, &status)
        return status
    }

    func totalTime() -> Duration {
        var microseconds: curl_off_t = 0
        _ = si_curl_easy_getinfo_off_t(pointer, CURLINFO_TOTAL_TIME_T, &microseconds)
        return .microseconds(Int64(microseconds))
    }

    /// Frees the handle and its C memory. Idempotent.
    func close() {
        guard let easy = pointer else { return }
        curl_easy_cleanup(easy)
        pointer = nil
        curl_slist_free_all(headerList)
        headerList = nil
        errorBuffer.deallocate()
    }

    deinit {
        assert(pointer == nil, "EasyHandle released without close()")
        close()
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let parts = duration.components
        let value = parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
        return Int(max(1, min(value, Int64(Int32.max))))
    }
}
