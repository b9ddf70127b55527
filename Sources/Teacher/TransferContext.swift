internal import CCurl
import SelfInstruct
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
#elseif canImport(Darwin)
import Darwin
#endif

/// One transfer in flight: its easy handle, the bytes received so far and the caller's continuation.
/// Confined to the loop thread; libcurl's callbacks reach it through `Unmanaged` pointers.
final class TransferContext {
    let id: UInt64
    let request: HTTPRequest
    let continuation: CheckedContinuation<HTTPResponse, any Error>
    let easy: EasyHandle
    private let maximumBodyBytes: Int
    private var body: [UInt8] = []
    private var headers: [HTTPHeader] = []
    private var bodyTooLarge = false

    init(transfer: PendingTransfer, configuration: CurlTransport.Configuration) throws(TeacherError) {
        id = transfer.id
        request = transfer.request
        continuation = transfer.continuation
        maximumBodyBytes = configuration.maximumResponseBytes
        easy = try EasyHandle(operation: transfer.request.operation)
    }

    /// Appends body bytes; false once the size limit is passed (libcurl then aborts with CURLE_WRITE_ERROR).
    func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= maximumBodyBytes else {
            bodyTooLarge = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// Records one header line; a status line starts a new header block (interim 1xx responses, redirects).
    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        if line.hasPrefix("HTTP/") {
            headers.removeAll()
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon]).trimmingWhitespace()
        let value = String(line[line.index(after: colon)...]).trimmingWhitespace()
        headers.append(HTTPHeader(name: name, value: value))
    }

    func outcome(code: CURLcode) -> Result<HTTPResponse, any Error> {
        let operation = request.operation
        guard code == CURLE_OK else {
            if bodyTooLarge {
                return .failure(
                    ErrorClassifier.classify(
                        transportFailure: .responseTooLarge, detail: "response body over \(maximumBodyBytes) bytes",
                        operation: operation, code: Int(code.rawValue)))
            }
            var detail = easy.errorDetail(code)
            // libcurl says "SSL certificate problem: …"; name the cause and the variable that fixes it.
            if code == CURLE_PEER_FAILED_VERIFICATION {
                detail = "TLS certificate verification failed (check \(EnvironmentVariable.teacherCAFile)): \(detail)"
            } else if code == CURLE_SSL_CACERT_BADFILE {
                detail = "cannot load the CA file (check \(EnvironmentVariable.teacherCAFile)): \(detail)"
            }
            return .failure(
                ErrorClassifier.classify(
                    transportFailure: Self.failure(for: code), detail: detail, operation: operation,
                    code: Int(code.rawValue)))
        }
        return .success(HTTPResponse(status: easy.responseCode(), headers: headers, body: body, totalTime: easy.totalTime()))
    }

    private static func failure(for code: CURLcode) -> TransportFailure {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .connectFailed
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_WEIRD_SERVER_REPLY,
            CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_BAD_CONTENT_ENCODING:
            return .connectionLost
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER:
            return .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidRequest
        default:
            return .other
        }
    }
}
