import Foundation
import TrobadorTestSupport

/// A Teams Workflows webhook on loopback: `POST /workflows/<id>/triggers/manual/paths/invoke`
/// signed by its `sig` query value. As the real trigger, it answers `202 Accepted` with an
/// empty body once it has the request, Azure error objects for what the trigger itself
/// refuses (401 `DirectApiAuthorizationRequired`, 404 `WorkflowNotFound`, 400
/// `InvalidRequestContent` for a body that is not JSON, 429 with `Retry-After`); a card that
/// Teams would not post fails later inside the flow, unseen by the sender, so the stand-in
/// records what is wrong with it for the tests to check.
final class TeamsStandIn: Sendable {
    static let workflowID = "3f1c2a9b8d7e4f60a1b2c3d4e5f60718"
    static let signature = "Zq8VtLr0bN3mXk5HcJ7pWd2sFy9Ga4Ue6TiOo1Rl"

    struct State: Sendable {
        var cards: [Data] = []
        var violations: [String] = []
        var scripted: [LoopbackReceiver.Answer] = []
    }

    let state = Locked(State())
    let receiver: LoopbackReceiver

    init() async throws {
        let state = self.state
        receiver = try await LoopbackReceiver { request, _ in Self.answer(request, state: state) }
    }

    var url: String {
        receiver.url + "/powerautomate/automations/direct/workflows/\(Self.workflowID)/triggers/manual/paths/invoke"
            + "?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=\(Self.signature)"
    }

    func stop() async { await receiver.stop() }

    static func azureError(_ status: Int, _ code: String, _ message: String) -> LoopbackReceiver.Answer {
        HookFixtures.jsonAnswer(["error": ["code": code, "message": message]], status: status)
    }

    static func answer(_ request: LoopbackReceiver.Received, state: Locked<State>) -> LoopbackReceiver.Answer {
        if let scripted = state.withLock({ $0.scripted.isEmpty ? nil : $0.scripted.removeFirst() }) { return scripted }
        guard request.query["sig"] == signature else {
            return azureError(401, "DirectApiAuthorizationRequired", "The request must be authenticated only by Shared Access scheme.")
        }
        guard request.path == "/powerautomate/automations/direct/workflows/\(workflowID)/triggers/manual/paths/invoke",
              request.method == "POST" else {
            return azureError(404, "WorkflowNotFound", "The workflow could not be found.")
        }
        guard request.header("content-type")?.hasPrefix("application/json") == true, let envelope = HookFixtures.json(request.body) else {
            return azureError(400, "InvalidRequestContent", "The request content is not valid and could not be deserialized.")
        }
        let problems = violations(envelope, size: request.body.count)
        state.withLock {
            $0.cards.append(request.body)
            $0.violations += problems
        }
        return .init(status: 202, headers: [:], body: "")
    }

    /// What Teams would refuse in the card ("Post card in a chat or channel").
    static func violations(_ envelope: [String: Any], size: Int) -> [String] {
        var problems: [String] = []
        if size > 28 * 1024 { problems.append("message over 28 KB (\(size) bytes)") }
        if envelope["type"] as? String != "message" { problems.append("type must be \"message\"") }
        guard let attachments = envelope["attachments"] as? [[String: Any]], !attachments.isEmpty else {
            return problems + ["no attachments"]
        }
        for attachment in attachments {
            if attachment["contentType"] as? String != "application/vnd.microsoft.card.adaptive" {
                problems.append("attachment contentType is not an Adaptive Card")
            }
            guard let card = attachment["content"] as? [String: Any] else {
                problems.append("attachment without content")
                continue
            }
            if card["type"] as? String != "AdaptiveCard" { problems.append("content.type must be AdaptiveCard") }
            if !["1.0", "1.1", "1.2", "1.3", "1.4", "1.5"].contains(card["version"] as? String ?? "") {
                problems.append("version \(card["version"] ?? "missing") is not one Teams renders")
            }
            for element in card["body"] as? [[String: Any]] ?? [] {
                switch element["type"] as? String {
                case "TextBlock":
                    if (element["text"] as? String)?.isEmpty != false { problems.append("TextBlock without text") }
                case "Image":
                    if !((element["url"] as? String)?.hasPrefix("https://") ?? false) { problems.append("Image without a public https url") }
                    if (element["altText"] as? String)?.isEmpty != false { problems.append("Image without altText") }
                case "FactSet", "ColumnSet", "Container", "ActionSet": break
                default: problems.append("unknown element \(element["type"] ?? "without type")")
                }
            }
            for action in card["actions"] as? [[String: Any]] ?? [] {
                guard action["type"] as? String == "Action.OpenUrl" else {
                    problems.append("unexpected action \(action["type"] ?? "")")
                    continue
                }
                if !((action["url"] as? String)?.hasPrefix("http") ?? false) { problems.append("Action.OpenUrl without url") }
                if (action["title"] as? String)?.isEmpty != false { problems.append("Action.OpenUrl without title") }
            }
        }
        return problems
    }
}
