import CurlHTTP
import Foundation
import TrobadorCore

/// Executes, edits and deletes webhook messages. Discord has no idempotency key for
/// webhooks: an attempt interrupted by a crash is `uncertain`.
struct DiscordAdapter: ChannelAdapter {
    var webhook: SecretURL
    var threadID: String?
    var maxFileSize: Int
    var timeout: Duration
    var http: any HTTPClient
    var loadMedia: @Sendable (_ postID: String, _ version: Int) async throws -> [StoredMedia]
    var gate: DiscordRateGate
    /// Longest wait for Discord's bucket to refill spent holding the channel's slot; Discord
    /// webhook buckets refill within about two seconds, a longer pause goes back to the engine.
    var patience: Duration = .seconds(5)

    private static let rule = LengthRule.unicodeScalars
    private static let composer = PostComposer(format: .discordMarkdown, capabilities: DiscordChannelType.declared)

    /// The text of one message: Discord shows no thread of webhook messages, so a long post
    /// becomes its summary or is shortened, the link kept (`PostComposer`).
    static func content(for post: Post) -> (text: String, fit: ComposedText.Fit) {
        let composed = composer.compose(post)
        return (composed.parts.first?.text ?? "", composed.fit)
    }

    func preview(_ message: OutboundMessage) -> [PreviewRequest] {
        guard case .success(let target) = DiscordRequest.target(for: message, webhookURL: webhook.value, threadID: threadID) else {
            return []
        }
        let media = message.action == .retract ? [] : message.media
        let (text, fit) = Self.content(for: message.post)
        var request = DiscordRequest.request(target, action: message.action, content: text, media: media, timeout: timeout)
        request.url = webhook.redacting(request.url)
        var purpose = target.purpose
        if message.action != .retract {
            if !media.isEmpty { purpose += ", with \(media.count) image\(media.count == 1 ? "" : "s") and alt text" }
            if let problem = DiscordRequest.problem(with: media, maxFileSize: maxFileSize) {
                purpose += "; would fail before sending: \(problem.reason)"
            }
            purpose += Self.describe(fit)
        }
        let length = message.action == .retract ? nil : TextLength(count: Self.rule.count(text), limit: 2000, unit: "code points")
        return [PreviewRequest(request: request, purpose: purpose, length: length)]
    }

    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        let target: DiscordRequest.Target
        switch DiscordRequest.target(for: message, webhookURL: webhook.value, threadID: threadID) {
        case .success(let found): target = found
        case .failure(let problem): return .failed(reason: problem.reason, httpStatus: nil)
        }
        let (text, _) = message.action == .retract ? ("", .whole) : Self.content(for: message.post)
        if Self.rule.count(text) > 2000 {
            return .failed(reason: "the rendered message has \(Self.rule.count(text)) characters; Discord takes 2000", httpStatus: nil)
        }
        var media: [StoredMedia] = []
        if message.action != .retract, !message.media.isEmpty {
            if let problem = DiscordRequest.problem(with: message.media, maxFileSize: maxFileSize) {
                return .failed(reason: problem.reason, httpStatus: nil)
            }
            do {
                media = try await MediaBytes.load(message.media, of: message, using: loadMedia)
            } catch {
                return error.outcome
            }
        } else if message.action != .retract, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return .failed(reason: "the post renders to an empty message, which Discord refuses (50006)", httpStatus: nil)
        }
        let request = DiscordRequest.request(target, action: message.action, content: text, media: media, timeout: timeout)
        if let wait = await gate.admit(patience: patience) {
            return .retry(after: wait, reason: "Discord's rate limit for this webhook is used up until its reset", httpStatus: nil)
        }
        let result = await http.exchange(request)
        if case .success(let response) = result { gate.note(response) }
        return DiscordAnswer.outcome(result, for: message)
    }

    static func describe(_ fit: ComposedText.Fit) -> String {
        switch fit {
        case .whole, .thread: ""
        case .summary: "; the post is over 2000 characters: its summary is sent"
        case .shortened: "; the post is over 2000 characters: shortened, the link kept"
        }
    }
}
