import CurlHTTP
import Foundation
import TrobadorCore

/// Posts `{"text": …}` in Slack mrkdwn to an incoming webhook. Slack answers 200 `ok`, or a
/// status with a short reason in the body (`invalid_payload`, `channel_is_archived`,
/// `no_service`…), read by `SlackAnswer`.
struct SlackAdapter: ChannelAdapter {
    var webhook: SecretURL
    var timeout: Duration
    var http: any HTTPClient

    private static let composer = PostComposer(format: .slackMrkdwn, capabilities: SlackChannelType.declared)

    static func text(for post: Post) -> (text: String, fit: ComposedText.Fit) {
        let composed = composer.compose(post)
        return (composed.parts.first?.text ?? "", composed.fit)
    }

    func request(text: String) -> HTTPRequest {
        let body = JSONValue.object([
            ("text", .string(text)),
            // The post's images cannot be sent; the link's preview shows the page's own image.
            ("unfurl_links", .bool(true)),
        ]).bytes
        return HTTPRequest(
            method: "POST", url: webhook.value, headers: [("Content-Type", "application/json"), ("User-Agent", "trobador")],
            body: body, timeout: timeout)
    }

    func preview(_ message: OutboundMessage) -> [PreviewRequest] {
        guard message.action == .publish else { return [] }
        let (text, fit) = Self.text(for: message.post)
        var request = request(text: text)
        request.url = webhook.redacting(request.url)
        var purpose = "POST the message to the incoming webhook"
        if !message.media.isEmpty {
            purpose += "; images not sent: Slack webhooks take images only by public URL (the link's preview shows the page's image)"
        }
        switch fit {
        case .summary: purpose += "; the post is over 4000 characters: its summary is sent"
        case .shortened: purpose += "; the post is over 4000 characters: shortened, the link kept"
        case .whole, .thread: break
        }
        return [PreviewRequest(request: request, purpose: purpose, length: TextLength(count: text.count, limit: 4000, unit: "characters"))]
    }

    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        guard message.action == .publish else {
            return .failed(
                reason: "Slack incoming webhooks give no message id, so the published message cannot be \(message.action == .update ? "edited" : "deleted"); do it by hand in Slack",
                httpStatus: nil)
        }
        let result = await http.exchange(request(text: Self.text(for: message.post).text))
        let outcome = HTTPOutcome.classify(result)
        guard case .success(let response) = result else { return outcome }
        return outcome.explained(by: SlackAnswer.reason(response))
    }
}
