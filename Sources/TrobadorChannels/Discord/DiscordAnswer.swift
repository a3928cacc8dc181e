import CurlHTTP
import Foundation
import TrobadorCore

/// Reads Discord's answers: the message object of a success, its JSON errors
/// (`{"message": "Unknown Webhook", "code": 10015}`, `Invalid Form Body` with the fields at
/// fault) and its rate-limit replies (`retry_after` in seconds, with a fraction).
enum DiscordAnswer {
    /// JSON error codes worth a word of advice for the operator.
    enum Code {
        static let unknownChannel = 10003
        static let unknownMessage = 10008
        static let unknownWebhook = 10015
        static let requestTooLarge = 40005
        static let emptyMessage = 50006
        static let invalidWebhookToken = 50027
        static let invalidFormBody = 50035
    }

    static func outcome(_ result: Result<HTTPResponse, HTTPError>, for message: OutboundMessage) -> DeliveryOutcome {
        if case .success(let response) = result, message.action == .retract, response.status == 404,
           code(response) == Code.unknownMessage {
            // Deleting a message that is already gone (removed by hand) reaches the goal.
            return .delivered(Receipt(httpStatus: 404))
        }
        let outcome = HTTPOutcome.classify(result, receipt: { receipt($0, for: message) }, retryHint: retryAfter)
        guard case .success(let response) = result else { return outcome }
        return outcome.explained(by: reason(response, action: message.action))
    }

    /// The message's id, and its address when the answer names the server (`guild_id`).
    static func receipt(_ response: HTTPResponse, for message: OutboundMessage) -> Receipt {
        guard message.action != .retract else { return Receipt() }
        let object = json(response)
        let id = (object?["id"] as? String) ?? message.previousReceipt?.remoteID
        var url: String?
        if let id, let channel = object?["channel_id"] as? String, let guild = object?["guild_id"] as? String {
            url = "https://discord.com/channels/\(guild)/\(channel)/\(id)"
        }
        return Receipt(remoteID: id, url: url ?? (message.action == .update ? message.previousReceipt?.url : nil))
    }

    /// How long Discord asks to wait: `retry_after` of a 429 body (seconds, with a fraction),
    /// else its `Retry-After` or `X-RateLimit-Reset-After` header.
    static func retryAfter(_ response: HTTPResponse) -> Duration? {
        guard response.status == 429 else { return nil }
        let seconds = (json(response)?["retry_after"] as? NSNumber)?.doubleValue
            ?? response.header("Retry-After").flatMap(Double.init)
            ?? response.header("X-RateLimit-Reset-After").flatMap(Double.init)
        return seconds.map { .milliseconds(Int64(max(0, $0) * 1000)) }
    }

    /// What went wrong, in Discord's words and with what to do, for an answer other than 2xx.
    static func reason(_ response: HTTPResponse, action: PostAction) -> String? {
        guard !(200..<300).contains(response.status) else { return nil }
        if response.status == 429 {
            let global = (json(response)?["global"] as? NSNumber)?.boolValue == true || response.header("X-RateLimit-Global") == "true"
            let wait = retryAfter(response).map { " (retry after \(format($0)))" } ?? ""
            return "Discord rate limited \(global ? "every request from this address" : "this webhook")\(wait)"
        }
        guard let object = json(response) else { return nil }
        let text = object["message"] as? String
        let fields = fieldErrors(object)
        guard text != nil || !fields.isEmpty else { return nil }
        let code = (object["code"] as? NSNumber)?.intValue
        var reason = "Discord: \(text ?? "the request was refused")" + (code.map { " (code \($0))" } ?? "")
        if !fields.isEmpty { reason += ": " + fields.joined(separator: "; ") }
        if let advice = code.flatMap({ advice(for: $0, action: action) }) { reason += "; " + advice }
        return reason
    }

    static func code(_ response: HTTPResponse) -> Int? { (json(response)?["code"] as? NSNumber)?.intValue }

    private static func advice(for code: Int, action: PostAction) -> String? {
        switch code {
        case Code.unknownWebhook: "the webhook was deleted or the channel's `url` is wrong: create a webhook in Discord and update `url`"
        case Code.invalidWebhookToken: "the token part of the channel's `url` is wrong: copy the webhook URL again from Discord"
        case Code.unknownChannel: "the channel's `thread_id` names no thread of the webhook's channel"
        case Code.unknownMessage where action == .update: "the message to edit no longer exists on Discord (deleted by hand?)"
        case Code.requestTooLarge: "an image is larger than this Discord server accepts: lower `max_file_mib` or send a smaller image"
        default: nil
        }
    }

    /// The fields at fault: `{"errors": {"content": {"_errors": [{"message": …}]}}}` as the
    /// API answers today, or `{"content": ["Must be 2000 or fewer in length."]}` as older
    /// API versions (and unversioned webhook URLs) did.
    static func fieldErrors(_ object: [String: Any]) -> [String] {
        if let errors = object["errors"] as? [String: Any] { return walk(errors, path: []) }
        var legacy = object
        for key in ["message", "code", "retry_after", "global"] { legacy[key] = nil }
        return walk(legacy, path: [])
    }

    private static func walk(_ value: Any, path: [String]) -> [String] {
        let name = path.isEmpty ? "message" : path.joined(separator: ".")
        if let texts = value as? [String] { return texts.map { "\(name): \($0)" } }
        guard let object = value as? [String: Any] else { return [] }
        if let errors = object["_errors"] as? [[String: Any]] {
            return errors.compactMap { $0["message"] as? String }.map { "\(name): \($0)" }
        }
        return object.keys.sorted().flatMap { walk(object[$0]!, path: path + [$0]) }
    }

    private static func json(_ response: HTTPResponse) -> [String: Any]? {
        ResponseJSON.object(response.body)
    }

    private static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds < 10_000 ? String(format: "%.1f s", Double(milliseconds) / 1000) : "\(milliseconds / 1000) s"
    }
}
