import CurlHTTP
import Foundation
import TrobadorCore

/// Sends SPEC's JSON body to one URL. The `webhook-id` is the message's idempotency key,
/// the same on every attempt, so that a receiver drops duplicates; it is sent even without
/// a secret.
struct WebhookAdapter: ChannelAdapter {
    var url: String
    var signer: WebhookSigner?
    var extraHeaders: [(name: String, value: String)]
    var timeout: Duration
    var http: any HTTPClient

    func request(for message: OutboundMessage, now: Date = Date()) -> HTTPRequest {
        let body = WebhookPayload.encoded(message)
        let timestamp = Int(now.timeIntervalSince1970)
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            ("User-Agent", "trobador"),
            ("webhook-id", message.idempotencyKey),
            ("webhook-timestamp", String(timestamp)),
        ]
        if let signer {
            headers.append(("webhook-signature", signer.signature(id: message.idempotencyKey, timestamp: timestamp, body: body)))
        }
        headers.append(contentsOf: extraHeaders)
        return HTTPRequest(method: "POST", url: url, headers: headers, body: body, timeout: timeout)
    }

    func preview(_ message: OutboundMessage) -> [PreviewRequest] {
        [PreviewRequest(request: request(for: message), purpose: "POST the post as JSON, signed per Standard Webhooks")]
    }

    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        let result = await http.exchange(request(for: message))
        return HTTPOutcome.classify(result, receipt: Self.receipt)
    }

    /// A receiver that answers `{"id": ...}` gives the remote id.
    static func receipt(_ response: HTTPResponse) -> Receipt {
        guard let object = ResponseJSON.object(response.body) else {
            return Receipt()
        }
        let id: String? = switch object["id"] {
        case let text as String: text
        case let number as NSNumber: number.stringValue
        default: nil
        }
        return Receipt(remoteID: id, url: object["url"] as? String)
    }
}
