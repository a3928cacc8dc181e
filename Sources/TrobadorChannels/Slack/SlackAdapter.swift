import CurlHTTP
import Foundation
import TrobadorCore

/// Posts `{"text": ...}` to an incoming webhook. Slack answers 200 `ok`, or a status with a
/// short reason in the body (`invalid_payload`, `channel_is_archived`, `no_service`...).
struct SlackAdapter: ChannelAdapter {
    var url: String
    var timeout: Duration
    var http: any HTTPClient

    func preview(_ message: OutboundMessage) -> [PreviewRequest] {
        guard message.action == .publish else { return [] }
        return [PreviewRequest(request: request(for: message), purpose: "POST the message to the incoming webhook")]
    }

    func request(for message: OutboundMessage) -> HTTPRequest {
        let body = JSONValue.object([("text", .string(Self.text(for: message.post)))]).bytes
        return HTTPRequest(
            method: "POST", url: url, headers: [("Content-Type", "application/json"), ("User-Agent", "trobador")], body: body,
            timeout: timeout)
    }

    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        guard message.action == .publish else {
            return .failed(reason: "Slack incoming webhooks cannot edit or delete a message; remove it by hand in Slack", httpStatus: nil)
        }
        let request = request(for: message)
        let result: Result<HTTPResponse, HTTPError>
        do {
            result = .success(try await http.send(request))
        } catch {
            result = .failure(error)
        }
        return HTTPOutcome.classify(result)
    }

    /// The message text; the per-network renderer replaces this.
    static func text(for post: Post) -> String {
        [post.title.map { "*\($0)*" }, Markdown.plainText(post.body)].compactMap { $0 }.joined(separator: "\n\n")
    }
}
