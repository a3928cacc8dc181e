import CurlHTTP
import Foundation
import TrobadorCore

/// Reads an ntfy server's answers: the published message
/// (`{"id": "sPs7VCmB5DkZ", "time": …, "event": "message", "topic": …}`), or its JSON errors
/// (`{"code": 42901, "http": 429, "error": "limit reached: too many requests"}`).
enum NtfyAnswer {
    enum Code {
        static let unauthorized = 40101
        static let forbidden = 40301
        static let notFound = 40401
        static let attachmentsDisallowed = 40014
        static let attachmentTooLarge = 41301
        static let attachmentTooLargeOld = 40012
        static let topicInvalid = 40009
    }

    static func outcome(_ result: Result<HTTPResponse, HTTPError>, for message: OutboundMessage) -> DeliveryOutcome {
        let outcome = HTTPOutcome.classify(result, receipt: { receipt($0, for: message) })
        guard case .success(let response) = result else { return outcome }
        return outcome.explained(by: reason(response, action: message.action))
    }

    /// The notification's sequence id: the id of the first notification of the post, which
    /// later updates and deletions name. A deletion leaves nothing to name.
    static func receipt(_ response: HTTPResponse, for message: OutboundMessage) -> Receipt {
        guard message.action != .retract else { return Receipt() }
        let object = json(response)
        let id = (object?["sequence_id"] as? String) ?? (message.action == .update ? message.previousReceipt?.remoteID : nil)
            ?? (object?["id"] as? String) ?? message.previousReceipt?.remoteID
        return Receipt(remoteID: id)
    }

    static func reason(_ response: HTTPResponse, action: PostAction) -> String? {
        guard !(200..<300).contains(response.status), let object = json(response), let error = object["error"] as? String else {
            return nil
        }
        let code = (object["code"] as? NSNumber)?.intValue
        var reason = "ntfy: \(error)" + (code.map { " (code \($0))" } ?? "")
        if let advice = code.flatMap({ advice(for: $0, action: action) }) { reason += "; " + advice }
        return reason
    }

    private static func advice(for code: Int, action: PostAction) -> String? {
        switch code {
        case Code.unauthorized: "the server requires a login: set the channel's `token` to an access token (tk_…)"
        case Code.forbidden: "the channel's `token` (or anonymous access) may not publish to this topic"
        case Code.notFound where action != .publish:
            "this server cannot update or delete a notification: that needs ntfy 2.16 or later"
        case Code.attachmentsDisallowed:
            "this server takes no attachments: set `attach_images = false` on the channel, or enable attachments on the server"
        case Code.attachmentTooLarge, Code.attachmentTooLargeOld:
            "the image is larger than the server accepts: lower `max_file_mib` to the server's limit, or send a smaller image"
        case Code.topicInvalid: "the channel's `topic` is not a valid ntfy topic"
        default: nil
        }
    }

    private static func json(_ response: HTTPResponse) -> [String: Any]? {
        ResponseJSON.object(response.body)
    }
}
