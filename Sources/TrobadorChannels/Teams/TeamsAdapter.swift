import CurlHTTP
import Foundation
import TrobadorCore

/// Posts the post's Adaptive Card to a Workflows webhook. The workflow answers `202
/// Accepted` once it has taken the request (what it does next, Teams does not say), or an
/// Azure error object, `{"error": {"code": …, "message": …}}`, read by `TeamsAnswer`.
struct TeamsAdapter: ChannelAdapter {
    var webhook: SecretURL
    var timeout: Duration
    var http: any HTTPClient

    func request(for post: Post, text: String) -> HTTPRequest {
        HTTPRequest(
            method: "POST", url: webhook.value, headers: [("Content-Type", "application/json"), ("User-Agent", "trobador")],
            body: TeamsCard.payload(for: post, text: text).bytes, timeout: timeout)
    }

    func preview(_ message: OutboundMessage) -> [PreviewRequest] {
        guard message.action == .publish else { return [] }
        let (text, fit) = TeamsCard.text(for: message.post)
        var request = request(for: message.post, text: text)
        request.url = webhook.redacting(request.url)
        var purpose = "POST the Adaptive Card to the workflow (\(request.body.count) of \(TeamsCard.maxBytes) bytes)"
        if !message.media.isEmpty {
            purpose += "; images not sent: a Teams card shows images only from a public URL"
        }
        switch fit {
        case .summary: purpose += "; the text is over \(TeamsCard.textLimit) bytes: the summary is sent"
        case .shortened: purpose += "; the text is over \(TeamsCard.textLimit) bytes: shortened"
        case .whole, .thread: break
        }
        return [PreviewRequest(request: request, purpose: purpose, length: TextLength(count: text.utf8.count, limit: TeamsCard.textLimit, unit: "UTF-8 bytes"))]
    }

    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        guard message.action == .publish else {
            return .failed(
                reason: "a Teams workflow webhook gives no message id, so the card cannot be \(message.action == .update ? "edited" : "deleted"); do it by hand in Teams",
                httpStatus: nil)
        }
        let request = request(for: message.post, text: TeamsCard.text(for: message.post).text)
        if request.body.count > TeamsCard.maxBytes {
            return .failed(reason: "the card is \(request.body.count) bytes; Teams takes \(TeamsCard.maxBytes) at most: shorten the title", httpStatus: nil)
        }
        let result = await http.exchange(request)
        let outcome = HTTPOutcome.classify(result)
        guard case .success(let response) = result else { return outcome }
        return outcome.explained(by: TeamsAnswer.reason(response))
    }
}
