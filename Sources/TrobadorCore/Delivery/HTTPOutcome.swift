import CurlHTTP
import Foundation

/// The common reading of an HTTP exchange, shared by every HTTP adapter so that the rule
/// lives in one place: 2xx delivered, 3xx failed (redirects are not followed), 408, 429
/// and 5xx retried (honouring `Retry-After`), other 4xx failed, no response retried except
/// for a request that can never be sent. A 2xx whose body was too large to keep is delivered:
/// the server took the request.
public enum HTTPOutcome {
    /// - Parameters:
    ///   - receipt: how to read the remote id and URL from a successful response.
    ///   - retryHint: a platform's own "slow down" answer (Discord `retry_after`...), read
    ///     from the response; it wins over `Retry-After` when both are present.
    public static func classify(
        _ result: Result<HTTPResponse, HTTPError>,
        now: Date = Date(),
        receipt: (HTTPResponse) -> Receipt = { Receipt(httpStatus: $0.status) },
        retryHint: (HTTPResponse) -> Duration? = { _ in nil }
    ) -> DeliveryOutcome {
        switch result {
        case .failure(let error):
            switch error.kind {
            case .invalidRequest:
                return .failed(reason: error.message, httpStatus: nil)
            case .responseTooLarge where error.status.map((200..<300).contains) == true:
                // The server said yes before its oversized body: the request was taken, and
                // sending it again could publish it twice where the network has no idempotency.
                // Only what the body said (the remote id) is lost.
                return .delivered(Receipt(httpStatus: error.status))
            case .connectionFailed, .timedOut, .tls, .transport, .responseTooLarge, .cancelled:
                return .retry(after: nil, reason: error.message, httpStatus: error.status)
            }
        case .success(let response):
            let status = response.status
            switch status {
            case 200..<300:
                var proof = receipt(response)
                proof.httpStatus = status
                return .delivered(proof)
            case 408, 429, 500..<600:
                let after = retryHint(response) ?? retryAfter(response.header("Retry-After"), now: now)
                return .retry(after: after, reason: reason(response), httpStatus: status)
            case 300..<400:
                let location = response.header("Location").map { " to \($0)" } ?? ""
                return .failed(reason: "redirected\(location); redirects are not followed, check the channel's url", httpStatus: status)
            default:
                return .failed(reason: reason(response), httpStatus: status)
            }
        }
    }

    /// `Retry-After` as delay-seconds or as an HTTP date (RFC 9110 section 10.2.3).
    public static func retryAfter(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds >= 0 { return .milliseconds(Int64(seconds * 1000)) }
        guard let date = httpDate(value) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
    }

    static func httpDate(_ text: String) -> Date? {
        // IMF-fixdate is what servers send; the obsolete RFC 850 and asctime forms are accepted too.
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }

    /// The status and the start of the body, which usually says why.
    public static func reason(_ response: HTTPResponse) -> String {
        let phrase = HTTPStatusPhrase.phrase(for: response.status)
        let body = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty else { return phrase }
        let excerpt = body.count > 300 ? String(body.prefix(300)) + "…" : body
        return "\(phrase): \(excerpt)"
    }
}

enum HTTPStatusPhrase {
    static func phrase(for status: Int) -> String {
        switch status {
        case 400: "bad request"
        case 401: "unauthorized (check the token)"
        case 403: "forbidden (check the token's permissions)"
        case 404: "not found (check the channel's url)"
        case 408: "request timeout"
        case 409: "conflict"
        case 410: "gone"
        case 413: "payload too large"
        case 422: "unprocessable content"
        case 429: "too many requests"
        case 500: "internal server error"
        case 502: "bad gateway"
        case 503: "service unavailable"
        case 504: "gateway timeout"
        default: "HTTP \(status)"
        }
    }
}
