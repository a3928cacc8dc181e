import CurlHTTP
import Foundation
import TrobadorCore

/// A channel of a declarative plugin: renders the plugin's request for the message's action,
/// sends it, and reads the answer as the plugin says. A plugin with `threads = true` sends a
/// long post as several messages (`DeclarativeAdapter+Thread.swift`).
struct DeclarativeAdapter: ChannelAdapter {
    var manifest: PluginManifest
    var requests: PluginRequests
    var channel: ChannelConfig
    var timeout: Duration
    var http: any HTTPClient

    /// What keeps a message from being sent on this channel, said for the operator.
    private func refusal(_ message: OutboundMessage) -> String? {
        guard let request = requests.request(for: message.action) else {
            let verb = message.action == .update ? "edit" : "delete"
            return "the \(manifest.name) plugin declares no [\(message.action == .update ? "update" : "delete")] request: it cannot \(verb) a published message; do it by hand"
        }
        if message.action != .publish, request.usesRemoteID, message.previousReceipt?.remoteID == nil {
            return "no remote id was recorded for this post on \(channel.name), so it cannot be \(message.action == .update ? "edited" : "deleted")"
        }
        if let missing = request.requires.first(where: { channel.settings[$0] == nil }) {
            return "channel \(channel.name) has no `\(missing)`, which the \(manifest.name) plugin needs to \(message.action == .update ? "edit" : message.action == .retract ? "delete" : "publish")"
        }
        return nil
    }

    func values(_ message: OutboundMessage, part: MessageValues.Part = .first, composed: MessageValues.Composed? = nil) -> [String: Any] {
        let json = MessageValues.json(
            message, channel: channel, settings: manifest.settings, rendering: manifest.rendering, part: part, composed: composed)
        return MessageValues.mustache(json) as? [String: Any] ?? [:]
    }

    /// The request for one message of `action`: the parts after the first of a thread use
    /// [reply] when the plugin has one.
    func template(for action: PostAction, part: Int) -> RequestTemplate? {
        if action == .publish, part > 0, let reply = requests.reply { return reply }
        return requests.request(for: action)
    }

    func preview(_ message: OutboundMessage) -> [PreviewRequest] {
        guard refusal(message) == nil else { return [] }
        let rule = manifest.rendering.lengthRule
        let composed = MessageValues.Composed(message.post, rendering: manifest.rendering)
        let parts = message.action == .publish ? composed.partCount : 1
        return (0..<parts).compactMap { index in
            let part = MessageValues.Part(index: index, firstID: index > 0 ? "(id of part 1)" : nil, previousID: index > 0 ? "(id of part \(index))" : nil)
            guard let request = template(for: message.action, part: index) else { return nil }
            let values = values(message, part: part, composed: composed)
            let rendered = request.render(values, timeout: timeout, forPreview: true)
            var purpose = "\(message.action.rawValue) through the \(manifest.name) plugin (\(manifest.manifestPath))"
            if parts > 1 { purpose += ", part \(index + 1) of \(parts) of a thread" }
            if let maxBodyBytes = request.maxBodyBytes { purpose += " (\(rendered.body.count) of \(maxBodyBytes) bytes)" }
            if index == 0, !message.media.isEmpty { purpose += "; images not sent: a declarative plugin describes them, it does not upload" }
            switch values["fit"] as? String {
            case "summary": purpose += "; the post is over \(manifest.rendering.limit ?? 0) \(PluginVocabulary.unit(of: rule)): its summary is sent"
            case "shortened": purpose += "; the post is over \(manifest.rendering.limit ?? 0) \(PluginVocabulary.unit(of: rule)): shortened, the link kept"
            default: break
            }
            let text = values["text"] as? String ?? ""
            return PreviewRequest(
                request: rendered, purpose: purpose,
                length: TextLength(count: rule.count(text), limit: manifest.rendering.limit, unit: PluginVocabulary.unit(of: rule)))
        }
    }

    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        if let refusal = refusal(message) { return .failed(reason: refusal, httpStatus: nil) }
        switch message.action {
        case .publish: return await publish(message)
        case .update: return await edit(message)
        case .retract: return await delete(message)
        }
    }

    /// Sends one request and reads its answer.
    func send(_ template: RequestTemplate, values: [String: Any], previous: Receipt?) async -> DeliveryOutcome {
        let request = template.render(values, timeout: timeout)
        if let refusal = template.refusal(of: request) { return .failed(reason: refusal, httpStatus: nil) }
        let result: Result<HTTPResponse, HTTPError>
        do {
            result = .success(try await http.send(request))
        } catch {
            result = .failure(error)
        }
        return template.response.outcome(result, values: values, previous: previous)
    }
}
