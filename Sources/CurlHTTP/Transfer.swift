import CCurlShim
import Synchronization

/// One request on its way through libcurl: the easy handle, what libcurl needs kept alive
/// while it runs (header list, error buffer), and the response as it arrives.
///
/// `@unchecked Sendable` because ownership is handed over, never shared: the sending task
/// builds and configures it, then passes it through the loop's locked queue; from then on
/// only the loop thread touches the handle and the response fields, until it resumes the
/// continuation. The one field both sides touch, `submission`, is behind its own lock.
final class Transfer: @unchecked Sendable {
    /// Where the transfer stands with respect to the loop, so a cancellation that arrives
    /// before, during or after submission is handled exactly once.
    enum Submission {
        case notSubmitted
        case submitted
        case cancelled
    }

    typealias Outcome = Result<HTTPResponse, HTTPError>

    /// Headers of all responses in a transfer (1xx included) may not exceed this, so a
    /// server streaming headers forever cannot exhaust memory. Below libcurl's own 300 KB
    /// limit (where it has one), so the failure is always reported as `.responseTooLarge`.
    static let maxHeaderBytes = 256 * 1024

    private(set) var easy: UnsafeMutableRawPointer?
    /// Where the handle comes from and goes back to.
    private let handles: EasyHandlePool
    var headerList: UnsafeMutablePointer<curl_slist>?
    /// libcurl writes its own explanation of a failure here (CURLOPT_ERRORBUFFER).
    let errorBuffer: UnsafeMutablePointer<CChar>
    let maxBodyBytes: Int

    let submission = Mutex<Submission>(.notSubmitted)
    var continuation: CheckedContinuation<Outcome, Never>?

    // Filled by the libcurl callbacks on the loop thread.
    var responseHeaders: [(name: String, value: String)] = []
    var responseBody: [UInt8] = []
    var headerBytes = 0
    /// Set when a callback refused data because of a size limit, so the resulting
    /// CURLE_WRITE_ERROR is reported as what it is.
    var exceededLimit = false
    var startedAt: ContinuousClock.Instant?

    /// Takes an easy handle from `handles` and applies every option for `request`.
    init(request: HTTPRequest, settings: CurlHTTPClient.Settings, handles: EasyHandlePool) throws(HTTPError) {
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        maxBodyBytes = settings.maxResponseBodySize
        self.handles = handles
        easy = handles.take()
        guard easy != nil else {
            throw HTTPError(kind: .transport, message: "curl_easy_init failed (out of memory?)")
        }
        try configure(for: request, settings: settings)
    }

    deinit {
        // Only a transfer that never reached the loop still has its handle here; the loop
        // gives the others back itself, right after removing them from the multi handle.
        releaseHandle()
        errorBuffer.deallocate()
    }

    /// Takes the transfer out of `multi`, gives the easy handle back to its pool and frees the
    /// header list. Called on the loop thread.
    func detach(from multi: UnsafeMutableRawPointer) {
        if let easy { curl_multi_remove_handle(multi, easy) }
        releaseHandle()
    }

    private func releaseHandle() {
        if let easy { handles.giveBack(easy) }
        easy = nil
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
    }

    /// Resumes the waiting task, once; later calls do nothing.
    func complete(_ outcome: Outcome) {
        let waiting = continuation
        continuation = nil
        waiting?.resume(returning: outcome)
    }

    /// Time since the loop started the transfer.
    var elapsed: Duration {
        startedAt.map { ContinuousClock.now - $0 } ?? .zero
    }

    /// What the finished transfer amounts to. Must run before `detach`, while the handle
    /// can still be asked for the status code.
    func outcome(for code: CURLcode) -> Outcome {
        let duration = elapsed
        // CURLE_FILESIZE_EXCEEDED: MAXFILESIZE refused an announced Content-Length, which
        // libcurl words as "Maximum file size exceeded"; say it like the cap met while reading.
        if exceededLimit || code == CURLE_FILESIZE_EXCEEDED {
            var status = 0
            if let easy { curlshim_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status) }
            let answered = status > 0 ? " (HTTP \(status))" : ""
            let message = headerBytes > Self.maxHeaderBytes
                ? "response headers larger than the \(Self.maxHeaderBytes)-byte limit; transfer aborted"
                : "response\(answered) larger than the \(maxBodyBytes)-byte limit; transfer aborted"
            return .failure(HTTPError(kind: .responseTooLarge, message: message, duration: duration, status: status > 0 ? status : nil))
        }
        guard code == CURLE_OK else {
            return .failure(HTTPError(kind: HTTPError.Kind(curlCode: code), message: failureText(code), duration: duration))
        }
        var status = 0
        if let easy { curlshim_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status) }
        return .success(HTTPResponse(status: status, headers: responseHeaders, body: responseBody, duration: duration))
    }

    /// libcurl's detailed text when it wrote one, else the generic text for the code.
    private func failureText(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        if detail.isEmpty { return String(cString: curl_easy_strerror(code)) }
        return detail.hasSuffix("\n") ? String(detail.dropLast()) : detail
    }
}
