import CurlHTTP
import Foundation
import TrobadorCore

/// Executes, edits and deletes webhook messages. Discord has no idempotency key for
/// webhooks: an attempt interrupted by a crash is `uncertain`.
struct DiscordAdapter: ChannelAdapter {
    var webhookURL: String
    var threadID: String?
    var timeout: Duration
    var http: any HTTPClient

    func request(for message: OutboundMessage) -> HTTPRequest? {
        let messageID = message.previousReceipt?.remoteID
        var query = threadID.map { "?thread_id=" + $0 } ?? ""
        let content = DiscordAdapter.content(for: message.post)
        let body = JSONValue.object([
            ("content", .string(content)),
            // A post never pings @everyone or anyone else.
            ("allowed_mentions", .object([("parse", .array([]))])),
        ]).bytes
        let json: [(name: String, value: String)] = [("Content-Type", "application/json"), ("User-Agent", "trobador")]
        switch message.action {
        case .publish:
            query = "?wait=true" + (threadID.map { "&thread_id=" + $0 } ?? "")
            return HTTPRequest(method: "POST", url: webhookURL + query, headers: json, body: body, timeout: timeout)
        case .update:
            guard let messageID else { return nil }
            return HTTPRequest(method: "PATCH", url: webhookURL + "/messages/" + messageID + query, headers: json, body: body, timeout: timeout)
        case .retract:
            guard let messageID else { return nil }
            return HTTPRequest(method: "DELETE", url: webhookURL + "/messages/" + messageID + query, headers: [("User-Agent", "trobador")], timeout: timeout)
        }
    }

    func preview(_ message: OutboundMessage) -> [PreviewRequest] {
        request(for: message).map { [PreviewRequest(request: $0, purpose: "\(message.action.rawValue) the message")] } ?? []
    }

    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        guard let request = request(for: message) else {
            return .failed(reason: "no Discord message id was recorded for this post, so it cannot be \(message.action == .update ? "edited" : "deleted")", httpStatus: nil)
        }
        let result: Result<HTTPResponse, HTTPError>
        do {
            result = .success(try await http.send(request))
        } catch {
            result = .failure(error)
        }
        return HTTPOutcome.classify(result, receipt: { response in
            let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            let id = (object?["id"] as? String) ?? message.previousReceipt?.remoteID
            var url: String?
            if let id, let channel = object?["channel_id"] as? String, let guild = object?["guild_id"] as? String {
                url = "https://discord.com/channels/\(guild)/\(channel)/\(id)"
            }
            return Receipt(remoteID: id, url: url ?? message.previousReceipt?.url)
        }, retryHint: Self.retryAfter)
    }

    /// Discord's 429 body says how long to wait, in seconds with a fraction: `{"retry_after": 0.529}`.
    static func retryAfter(_ response: HTTPResponse) -> Duration? {
        guard response.status == 429,
              let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let seconds = (object["retry_after"] as? NSNumber)?.doubleValue else { return nil }
        return .milliseconds(Int64(seconds * 1000))
    }

    /// The message text; the per-network renderer replaces this.
    static func content(for post: Post) -> String {
        let text = [post.title.map { "**\($0)**" }, post.body].compactMap { $0 }.joined(separator: "\n\n")
        return text.count > 2000 ? String(text.prefix(1999)) + "…" : text
    }
}
