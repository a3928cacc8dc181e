import CurlHTTP
import Foundation
import TrobadorCore

/// A homeserver's answer: `{"event_id": ...}`, `{"content_uri": ...}`, or a standard error
/// `{"errcode": "M_FORBIDDEN", "error": "..."}`, with `retry_after_ms` when rate-limited.
struct MatrixReply: Sendable {
    var eventID: String?
    var contentURI: String?
    var errcode: String?
    var error: String?
    var retryAfterMilliseconds: Int?

    init?(_ body: [UInt8]) {
        guard let object = ResponseJSON.object(body) else { return nil }
        eventID = object["event_id"] as? String
        contentURI = object["content_uri"] as? String
        errcode = object["errcode"] as? String
        error = object["error"] as? String
        retryAfterMilliseconds = (object["retry_after_ms"] as? NSNumber)?.intValue
    }

    /// `M_LIMIT_EXCEEDED`'s wait, which wins over a `Retry-After` header.
    static func retryHint(_ response: HTTPResponse) -> Duration? {
        MatrixReply(response.body)?.retryAfterMilliseconds.map { .milliseconds($0) }
    }
}

/// What one client-server call came to.
enum MatrixAnswer: Sendable, Equatable {
    case accepted(MatrixAccepted)
    /// Not done: the outcome to report, its reason in the homeserver's words.
    case refused(DeliveryOutcome)
}

/// A successful call: the event or media it made.
struct MatrixAccepted: Sendable, Equatable {
    var eventID: String?
    var contentURI: String?
    var httpStatus: Int
}

extension MatrixAnswer {
    /// Reads an exchange by the shared HTTP rule, with the homeserver's `errcode` and `error`
    /// for the reason.
    /// - Parameter harmless: an `errcode` that means the work is already done.
    static func read(_ result: Result<HTTPResponse, HTTPError>, harmless: String?) -> MatrixAnswer {
        if case .success(let response) = result, let harmless, MatrixReply(response.body)?.errcode == harmless {
            return .accepted(MatrixAccepted(httpStatus: response.status))
        }
        let response = try? result.get()
        let outcome = HTTPOutcome.classify(result, retryHint: MatrixReply.retryHint)
        switch outcome {
        case .delivered:
            let reply = response.flatMap { MatrixReply($0.body) }
            return .accepted(MatrixAccepted(eventID: reply?.eventID, contentURI: reply?.contentURI, httpStatus: response?.status ?? 200))
        case .retry, .failed:
            return .refused(outcome.explained(by: explain(response)))
        }
    }

    /// `errcode: error`, with what the operator can do about the usual ones; nil when the
    /// answer has no `errcode`.
    static func explain(_ response: HTTPResponse?) -> String? {
        guard let response, let reply = MatrixReply(response.body), let errcode = reply.errcode else { return nil }
        var reason = "Matrix: \(errcode)" + (reply.error.map { ": \($0)" } ?? "")
        switch errcode {
        case "M_UNKNOWN_TOKEN", "M_MISSING_TOKEN":
            reason += " (the access token was refused: check `token`)"
        case "M_FORBIDDEN":
            reason += " (invite the bot's account to the room, with the power to post there)"
        case "M_TOO_LARGE":
            reason += " (the homeserver refuses anything this large)"
        case "M_NOT_FOUND" where response.status == 404:
            reason += " (check `room`)"
        default:
            break
        }
        return reason
    }
}
