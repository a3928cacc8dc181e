import CurlHTTP
import Foundation
import TrobadorCore

/// A Bot API answer: `{"ok": true, "result": ...}` or `{"ok": false, "error_code": 400,
/// "description": "Bad Request: ...", "parameters": {"retry_after": 5}}`.
struct TelegramReply: Sendable {
    var ok: Bool
    /// `result.message_id` of a sent or edited message.
    var messageID: String?
    /// `result.chat.username`: a public chat's name, for the message's t.me link.
    var chatUsername: String?
    var errorCode: Int?
    var description: String?
    /// `parameters.retry_after`: seconds to wait after flood control.
    var retryAfter: Int?
    /// `parameters.migrate_to_chat_id`: the group became this supergroup.
    var migrateToChatID: Int64?

    init?(_ body: [UInt8]) {
        guard let object = ResponseJSON.object(body),
              let ok = object["ok"] as? Bool else { return nil }
        self.ok = ok
        if let result = object["result"] as? [String: Any] {
            messageID = (result["message_id"] as? NSNumber)?.stringValue
            chatUsername = (result["chat"] as? [String: Any])?["username"] as? String
        }
        errorCode = (object["error_code"] as? NSNumber)?.intValue
        description = object["description"] as? String
        let parameters = object["parameters"] as? [String: Any]
        retryAfter = (parameters?["retry_after"] as? NSNumber)?.intValue
        migrateToChatID = (parameters?["migrate_to_chat_id"] as? NSNumber)?.int64Value
    }

    /// Telegram's flood-control wait, which wins over a `Retry-After` header.
    static func retryHint(_ response: HTTPResponse) -> Duration? {
        TelegramReply(response.body)?.retryAfter.map { .seconds($0) }
    }
}

/// What one Bot API call came to.
enum TelegramAnswer: Sendable, Equatable {
    /// Done; the message's id and its chat's public name when the answer carries them.
    case accepted(messageID: String?, chatUsername: String?, httpStatus: Int)
    /// Not done: the outcome to report (retry or failure), its reason in Telegram's words.
    case refused(DeliveryOutcome)

    /// Reads an exchange by the shared HTTP rule, with Telegram's own words for the reason.
    /// - Parameter harmless: a `description` that means the work is already done (an edit
    ///   that changes nothing, a message already deleted).
    static func read(_ result: Result<HTTPResponse, HTTPError>, harmless: String?, hiding token: String) -> TelegramAnswer {
        if case .success(let response) = result, let harmless, let reply = TelegramReply(response.body), !reply.ok,
           reply.description?.contains(harmless) == true {
            return .accepted(messageID: nil, chatUsername: nil, httpStatus: response.status)
        }
        let outcome = HTTPOutcome.classify(result, retryHint: TelegramReply.retryHint)
        let response = try? result.get()
        switch outcome {
        case .delivered:
            guard let response, let reply = TelegramReply(response.body), reply.ok else {
                return .refused(.failed(reason: "Telegram answered HTTP \(response?.status ?? 0) without \"ok\": true", httpStatus: response?.status))
            }
            return .accepted(messageID: reply.messageID, chatUsername: reply.chatUsername, httpStatus: response.status)
        case .retry(_, let reason, _, _), .failed(let reason, _):
            // The token is in the URL, never in an answer; it is scrubbed anyway, in case a
            // transport error quoted the URL.
            return .refused(outcome.explained(by: (explain(response) ?? reason).replacingOccurrences(of: token, with: "***")))
        }
    }

    /// Telegram's `description`, with what the operator can do about the usual ones; nil when
    /// the answer has none.
    static func explain(_ response: HTTPResponse?) -> String? {
        guard let response, let reply = TelegramReply(response.body), let description = reply.description else { return nil }
        var reason = "Telegram: \(description)"
        if let chat = reply.migrateToChatID {
            reason += " (the group is now the supergroup \(chat): set chat_id = \"\(chat)\")"
        } else if response.status == 401 {
            reason += " (the bot token was refused: check `token`)"
        } else if response.status == 403 {
            reason += " (add the bot to the chat, with the right to post)"
        } else if description.contains("chat not found") {
            reason += " (check `chat_id`, and that the bot was added to the chat)"
        } else if description.contains("message can't be deleted") {
            reason += " (bots may delete their messages only within 48 hours, and in channels only with the right to delete)"
        } else if description.contains("message to edit not found") {
            reason += " (the message was deleted in the chat)"
        }
        return reason
    }
}
