import CurlHTTP
import Foundation
import TrobadorCore

/// How a PDS answers: JSON on success; on failure `{"error": "<Name>", "message": "..."}`
/// (XRPC's error shape), and on 429 a `ratelimit-reset` header in Unix seconds.
enum BlueskyAnswer {
    /// The shared status rule (`HTTPOutcome`), with the XRPC error and the rate-limit reset
    /// where the response has them.
    static func outcome(_ result: Result<HTTPResponse, HTTPError>, now: Date = Date()) -> DeliveryOutcome {
        let outcome = HTTPOutcome.classify(result, now: now, retryHint: { rateLimitReset($0, now: now) })
        guard case .success(let response) = result, let message = message(response) else { return outcome }
        return outcome.explained(by: HTTPOutcome.reason(HTTPResponse(status: response.status)) + ": " + message)
    }

    /// `Name: message`, or either alone.
    static func message(_ response: HTTPResponse) -> String? {
        guard let object = json(response) else { return nil }
        let name = (object["error"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        let text = (object["message"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        switch (name, text) {
        case let (name?, text?): return name + ": " + text
        case let (name?, nil): return name
        case let (nil, text?): return text
        case (nil, nil): return nil
        }
    }

    /// The XRPC error name (`ExpiredToken`, `InvalidRequest`, `RecordNotFound`...).
    static func errorName(_ response: HTTPResponse) -> String? {
        json(response)?["error"] as? String
    }

    /// The access token ran out (`400 ExpiredToken`) or no longer holds (`401 InvalidToken`,
    /// after a PDS restart or a revoked session): a renewed session may do.
    static func wantsNewSession(_ result: Result<HTTPResponse, HTTPError>) -> Bool {
        guard case .success(let response) = result, response.status == 400 || response.status == 401 else { return false }
        return ["ExpiredToken", "InvalidToken"].contains(errorName(response) ?? "")
    }

    /// How long until `ratelimit-reset` (Unix seconds), on a 429.
    static func rateLimitReset(_ response: HTTPResponse, now: Date) -> Duration? {
        guard response.status == 429, let value = response.header("ratelimit-reset"), let epoch = Double(value) else { return nil }
        return .milliseconds(Int64(max(0, epoch - now.timeIntervalSince1970) * 1000))
    }

    static func json(_ response: HTTPResponse) -> [String: Any]? {
        ResponseJSON.object(response.body)
    }
}

/// An exchange that ends the delivery early: why, as the outcome the engine receives.
struct BlueskyStop: Error {
    var outcome: DeliveryOutcome

    /// The same outcome, its reason starting with what was being done.
    func during(_ what: String) -> BlueskyStop {
        switch outcome {
        case .retry(let after, let reason, let status, let progress):
            BlueskyStop(outcome: .retry(after: after, reason: what + ": " + reason, httpStatus: status, progress: progress))
        case .failed(let reason, let status):
            BlueskyStop(outcome: .failed(reason: what + ": " + reason, httpStatus: status))
        case .delivered:
            self
        }
    }
}
