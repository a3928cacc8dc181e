import CurlHTTP
import Foundation
import TrobadorCore

/// How Mastodon answers: a JSON entity on success, `{"error": "..."}` otherwise, and on 429
/// an `X-RateLimit-Reset` timestamp (ISO 8601) saying when the window opens again.
enum MastodonAnswer {
    /// The shared status rule (`HTTPOutcome`), with Mastodon's own message and rate-limit
    /// reset where the response has them.
    static func outcome(_ result: Result<HTTPResponse, HTTPError>, now: Date = Date()) -> DeliveryOutcome {
        let outcome = HTTPOutcome.classify(result, now: now, retryHint: { rateLimitReset($0, now: now) })
        guard case .success(let response) = result, let message = message(response) else { return outcome }
        return outcome.explained(by: HTTPOutcome.reason(HTTPResponse(status: response.status)) + ": " + message)
    }

    /// The `error` text of an error entity, with `error_description` when OAuth adds one.
    static func message(_ response: HTTPResponse) -> String? {
        guard let object = json(response), let error = object["error"] as? String, !error.isEmpty else { return nil }
        if let detail = object["error_description"] as? String, !detail.isEmpty { return error + ": " + detail }
        return error
    }

    /// How long until `X-RateLimit-Reset`, on a 429.
    static func rateLimitReset(_ response: HTTPResponse, now: Date) -> Duration? {
        guard response.status == 429, let value = response.header("X-RateLimit-Reset"), let date = isoDate(value) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
    }

    static func isoDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    static func json(_ response: HTTPResponse) -> [String: Any]? {
        ResponseJSON.object(response.body)
    }

    /// A Status or MediaAttachment's `id` (a string of digits in Mastodon's API).
    static func id(_ response: HTTPResponse) -> String? {
        switch json(response)?["id"] {
        case let text as String: text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    /// A Status's public page.
    static func url(_ response: HTTPResponse) -> String? {
        json(response)?["url"] as? String
    }
}

/// An exchange that ends the delivery early: why, as the outcome the engine receives.
struct MastodonStop: Error {
    var outcome: DeliveryOutcome
}
