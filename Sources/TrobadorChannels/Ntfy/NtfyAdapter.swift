import CurlHTTP
import Foundation
import TrobadorCore

/// Publishes, updates and deletes notifications on one ntfy topic. ntfy has no idempotency
/// key: an attempt interrupted by a crash is `uncertain`.
struct NtfyAdapter: ChannelAdapter {
    var server: String
    var topic: String
    var token: String?
    var attachImages: Bool
    var maxFileSize: Int
    var timeout: Duration
    var http: any HTTPClient
    var loadMedia: @Sendable (_ postID: String, _ version: Int) async throws -> [StoredMedia]

    private static let limit = NtfyChannelType.declared.maxLength ?? 4095
    /// The title goes in `Title`: the text holds the body, the event line and the link (the
    /// `Click` action is for phones; the web app shows the text's link). The tags go in `Tags`.
    private static let composer = PostComposer(
        format: .ntfyMarkdown, limit: limit, lengthRule: .utf8Bytes, threads: false, contents: [.event, .link])

    static func text(for post: Post) -> (text: String, fit: ComposedText.Fit) {
        let composed = composer.compose(post)
        return (composed.parts.first?.text ?? "", composed.fit)
    }

    private var topicURL: String { server + "/" + topic }

    /// The image attached: ntfy takes one attachment per notification, the first image.
    private func image(of message: OutboundMessage) -> StoredMedia? {
        attachImages && message.action != .retract ? message.media.first : nil
    }

    func preview(_ message: OutboundMessage) -> [PreviewRequest] {
        let image = image(of: message)
        guard case .success(let target) = NtfyRequest.target(for: message, hasImage: image != nil) else { return [] }
        let (text, fit) = Self.text(for: message.post)
        var request = NtfyRequest.request(
            target, url: topicURL, token: token, post: message.post, text: text, image: image, timeout: timeout)
        request.url = server + "/***" + target.path
        request.headers = request.headers.map { $0.name == "Authorization" ? ($0.name, "Bearer ***") : $0 }
        var purpose = target.purpose
        guard message.action != .retract else { return [PreviewRequest(request: request, purpose: purpose)] }
        if let image {
            purpose += "; \(image.name) attached, the text in the Message header (RFC 2047)"
            if let problem = NtfyRequest.problem(with: image, maxFileSize: maxFileSize) { purpose += "; would fail before sending: \(problem.reason)" }
            if message.media.count > 1 { purpose += "; ntfy takes one attachment: the other \(message.media.count - 1) not sent" }
            purpose += "; ntfy shows no alt text"
        } else if !message.media.isEmpty {
            purpose += "; images not attached (`attach_images = false`)"
        }
        if fit == .summary || fit == .shortened {
            purpose += "; the text is over \(Self.limit) bytes: " + (fit == .summary ? "its summary is sent" : "shortened, the link kept")
        }
        return [PreviewRequest(request: request, purpose: purpose, length: TextLength(count: text.utf8.count, limit: Self.limit, unit: "UTF-8 bytes"))]
    }

    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        var image = image(of: message)
        let target: NtfyRequest.Target
        switch NtfyRequest.target(for: message, hasImage: image != nil) {
        case .success(let found): target = found
        case .failure(let problem): return problem.outcome
        }
        let text = message.action == .retract ? "" : Self.text(for: message.post).text
        if text.utf8.count > Self.limit {
            return .failed(reason: "the rendered text is \(text.utf8.count) bytes; ntfy takes \(Self.limit)", httpStatus: nil)
        }
        if let wanted = image {
            if let problem = NtfyRequest.problem(with: wanted, maxFileSize: maxFileSize) { return problem.outcome }
            do {
                image = try await MediaBytes.load([wanted], of: message, using: loadMedia).first
            } catch {
                return error.outcome
            }
        }
        let request = NtfyRequest.request(target, url: topicURL, token: token, post: message.post, text: text, image: image, timeout: timeout)
        return NtfyAnswer.outcome(await http.exchange(request), for: message)
    }
}
