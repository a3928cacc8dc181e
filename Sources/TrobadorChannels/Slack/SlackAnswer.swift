import Foundation
import CurlHTTP

/// Reads an incoming webhook's answer: `ok`, or a plain-text error code whose meaning Slack
/// documents ("Improving error conditions for Incoming Webhooks", and its webhook guide).
enum SlackAnswer {
    /// The error in the operator's terms, for an answer other than 2xx.
    static func reason(_ response: HTTPResponse) -> String? {
        guard !(200..<300).contains(response.status) else { return nil }
        let code = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !code.isEmpty, code.count <= 80, !code.contains(" "), !code.contains("<") else { return nil }
        let meaning: String? = switch code {
        case "invalid_payload": "the message was not understood (malformed JSON or an invalid field)"
        case "no_text": "the message had no text"
        case "user_not_found": "the user named in the request does not exist"
        case "action_prohibited": "the workspace restricts this webhook from posting here; ask a Slack admin"
        case "invalid_token": "the webhook's token is no longer valid: create a new incoming webhook and update the channel's `url`"
        case "no_service", "no_active_hooks", "no_service_id", "no_team", "team_disabled":
            "the incoming webhook was removed or disabled: create a new one and update the channel's `url`"
        case "channel_not_found": "the webhook's channel no longer exists: create a webhook for another channel"
        case "channel_is_archived": "the webhook's channel is archived: unarchive it, or create a webhook for another channel"
        case "posting_to_general_channel_denied": "only admins may post in this workspace's general channel"
        case "too_many_attachments": "the message had too many attachments"
        case "rollup_error": "Slack had an internal error"
        default: nil
        }
        return "Slack: \(code)" + (meaning.map { " (\($0))" } ?? "")
    }
}
