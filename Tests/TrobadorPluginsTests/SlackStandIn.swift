import Foundation
import TrobadorTestSupport

/// A Slack incoming webhook on loopback: `POST /services/T…/B…/<token>` with a JSON body (or
/// a form-encoded `payload`), answered `200 ok` as `text/html`, or the documented plain-text
/// errors: 400 `invalid_payload` and `no_text`, 403 `invalid_token`, 404 `no_service`,
/// 410 `channel_is_archived`, and 429 with `Retry-After`.
final class SlackStandIn: Sendable {
    static let hookPath = "/services/T0123ABCD/B0456EFGH"
    static let token = "xYz9AbCdEfGhIjKlMnOpQrSt"

    struct State: Sendable {
        var texts: [String] = []
        var archived = false
        var scripted: [LoopbackReceiver.Answer] = []
    }

    let state = Locked(State())
    let receiver: LoopbackReceiver

    init() async throws {
        let state = self.state
        receiver = try await LoopbackReceiver { request, _ in Self.answer(request, state: state) }
    }

    var url: String { receiver.url + Self.hookPath + "/" + Self.token }

    func stop() async { await receiver.stop() }

    static func text(_ status: Int, _ body: String) -> LoopbackReceiver.Answer {
        .init(status: status, headers: ["Content-Type": "text/html"], body: body)
    }

    static func answer(_ request: LoopbackReceiver.Received, state: Locked<State>) -> LoopbackReceiver.Answer {
        if let scripted = state.withLock({ $0.scripted.isEmpty ? nil : $0.scripted.removeFirst() }) { return scripted }
        guard request.path.hasPrefix(hookPath + "/") else { return text(404, "no_service") }
        guard request.path == hookPath + "/" + token else { return text(403, "invalid_token") }
        guard request.method == "POST" else { return text(404, "no_service") }
        let type = request.header("content-type") ?? ""
        var payload: [String: Any]?
        if type.hasPrefix("application/json") {
            payload = HookFixtures.json(request.body)
        } else if type.hasPrefix("application/x-www-form-urlencoded"),
                  let form = URLComponents(string: "?" + String(decoding: request.body, as: UTF8.self))?.queryItems,
                  let json = form.first(where: { $0.name == "payload" })?.value {
            payload = HookFixtures.json(Data(json.utf8))
        }
        guard let payload else { return text(400, "invalid_payload") }
        let messageText = payload["text"] as? String ?? ""
        if messageText.isEmpty, payload["blocks"] == nil, payload["attachments"] == nil { return text(400, "no_text") }
        if payload["text"] != nil, !(payload["text"] is String) { return text(400, "invalid_payload") }
        if state.withLock({ $0.archived }) { return text(410, "channel_is_archived") }
        state.withLock { $0.texts.append(messageText) }
        return text(200, "ok")
    }
}
