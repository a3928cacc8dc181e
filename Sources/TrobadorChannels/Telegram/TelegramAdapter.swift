import CurlHTTP
import TrobadorCore

/// Publishes, edits and deletes a post's messages in one Telegram chat (see
/// `TelegramChannelType` for the shape of a post there, `TelegramPlan` for updates).
struct TelegramAdapter: ChannelAdapter {
    var client: TelegramClient
    var chat: TelegramChat
    var loadMedia: @Sendable (_ postID: String, _ version: Int) async throws -> [StoredMedia]

    static let composer = PostComposer(format: .telegramHTML, capabilities: TelegramChannelType.capabilities)

    /// The plan for a message, or why it cannot be sent; checked before anything is sent.
    func plan(for message: OutboundMessage) -> Result<TelegramPlan, DeliveryProblem> {
        let texts = Self.composer.compose(message.post).parts.map(\.text)
            .filter { !TelegramText.visible($0).allSatisfy(\.isWhitespace) }
        let previous = (message.previousReceipt.map(Self.parts) ?? []).map(TelegramPart.init(recorded:))
        let plan: TelegramPlan
        switch message.action {
        case .publish:
            plan = .publish(texts: texts, media: message.media, link: message.post.link)
        case .update:
            guard !previous.isEmpty else { return .failure(DeliveryProblem("no Telegram message id was recorded for this post, so it cannot be edited")) }
            plan = .update(previous: previous, texts: texts, media: message.media, link: message.post.link)
        case .retract:
            guard !previous.isEmpty else { return .failure(DeliveryProblem("no Telegram message id was recorded for this post, so it cannot be deleted")) }
            plan = .retract(previous: previous)
        }
        if let problem = Self.problem(in: plan, media: message.media) { return .failure(DeliveryProblem(problem)) }
        return .success(plan)
    }

    /// What Telegram would refuse, found before the first request: a type it does not take,
    /// a file or a caption over its limit, a part over 4096 (the composer prevents it).
    static func problem(in plan: TelegramPlan, media: [StoredMedia]) -> String? {
        for step in plan.steps {
            switch step.action {
            case .sendText(let html, _, _), .editText(_, let html, _):
                let length = TelegramText.length(html)
                if length > TelegramLimits.messageLength {
                    return "\(step.purpose) is \(length) UTF-16 units long; Telegram takes \(TelegramLimits.messageLength)"
                }
            case .sendMedia(let index, let caption, _):
                let item = media[index]
                guard let kind = TelegramMediaKind(item.contentType) else {
                    return "image \(index + 1) (\(item.name)) is \(item.contentType); Telegram takes JPEG, PNG, WebP or GIF"
                }
                if item.size > kind.maxBytes {
                    return "image \(index + 1) (\(item.name)) is \(item.size) bytes; Telegram's \(kind.method) takes \(kind.maxBytes / 1_048_576) MB at most"
                }
                if let problem = captionProblem(caption, index: index, name: item.name) { return problem }
            case .editCaption(_, let caption):
                if let problem = captionProblem(caption, index: nil, name: step.purpose) { return problem }
            case .keep, .delete:
                break
            }
        }
        return nil
    }

    private static func captionProblem(_ caption: String?, index: Int?, name: String) -> String? {
        guard let length = caption?.utf16.count, length > TelegramLimits.captionLength else { return nil }
        let which = index.map { "image \($0 + 1) (\(name))" } ?? name
        return "the alt text of \(which) is \(length) UTF-16 units; Telegram captions hold \(TelegramLimits.captionLength): shorten it"
    }

    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        let plan: TelegramPlan
        switch self.plan(for: message) {
        case .success(let made): plan = made
        case .failure(let refusal): return refusal.outcome
        }
        // What earlier attempts of this delivery already did is not done again.
        var ids = RecordedPart.resumed(from: message.progress, slots: plan.slotCount)

        var media = message.media
        if plan.steps.contains(where: { if case .sendMedia = $0.action, let slot = $0.slot { ids[slot] == nil } else { false } }) {
            do {
                media = try await MediaBytes.load(message.media, of: message, using: loadMedia)
            } catch {
                return .retry(after: nil, reason: error.reason, httpStatus: nil, progress: receipt(ids, message))
            }
        }

        var username: String?
        var lastStatus: Int?
        for step in plan.steps {
            if let slot = step.slot, ids[slot] != nil { continue }
            if case .keep(let part) = step.action, let slot = step.slot {
                ids[slot] = part.recorded
                continue
            }
            guard let request = client.request(for: step.action, chat: chat, media: media, reference: { Self.messageID(ids[$0]) }) else {
                return .failed(reason: "\(step.purpose): cannot be built", httpStatus: nil)
            }
            switch await client.perform(request, harmless: step.action.harmlessAnswer) {
            case .accepted(let messageID, let chatUsername, let status):
                // An answer that means "already done" (a 400) does not stand for the delivery.
                lastStatus = (200..<300).contains(status) ? status : lastStatus ?? status
                username = username ?? chatUsername
                guard let slot = step.slot else { continue }
                guard let id = step.action.existingID ?? messageID else {
                    return .failed(reason: "\(step.purpose): Telegram answered without a message id", httpStatus: status)
                }
                ids[slot] = step.action.isMedia ? TelegramPart.media(id).recorded : id
            case .refused(let outcome):
                return annotated(outcome, step: step, ids: ids, message: message)
            }
        }
        // A retraction's receipt names what was deleted; there is nothing left to link to.
        var done = message.action == .retract
            ? Receipt(remoteID: message.previousReceipt?.remoteID, parts: message.previousReceipt.map(Self.parts) ?? [])
            : receipt(ids, message, username: username) ?? Receipt()
        done.httpStatus = lastStatus
        return .delivered(done)
    }

    /// The thread so far: the first message's id and link, and every message's id.
    private func receipt(_ ids: [String?], _ message: OutboundMessage, username: String? = nil) -> Receipt? {
        let parts = Array(ids.prefix { $0 != nil }.compactMap { $0 })
        guard let first = parts.first.map(TelegramPart.init(recorded:)) else { return nil }
        var url: String?
        if let name = username ?? { if case .username(let name) = chat { name } else { nil } }() {
            url = "https://t.me/\(name)/\(first.messageID)"
        }
        if message.action == .update, first.messageID == message.previousReceipt?.remoteID {
            url = url ?? message.previousReceipt?.url
        }
        return Receipt(remoteID: first.messageID, url: url, parts: parts)
    }

    /// A stop part-way says which step, and keeps what was already published: a retry goes
    /// on from there; a failure names the messages already in the chat.
    private func annotated(_ outcome: DeliveryOutcome, step: TelegramPlan.Step, ids: [String?], message: OutboundMessage) -> DeliveryOutcome {
        let progress = receipt(ids, message)
        switch outcome {
        case .retry(let after, let reason, let status, _):
            return .retry(after: after, reason: "\(step.purpose): \(reason)", httpStatus: status, progress: progress)
        case .failed(let reason, let status):
            let published = progress.map { "; already in the chat: message \($0.parts.joined(separator: ", "))" } ?? ""
            return .failed(reason: "\(step.purpose): \(reason)\(published)", httpStatus: status)
        case .delivered:
            return outcome
        }
    }

    func preview(_ message: OutboundMessage) -> [PreviewRequest] {
        guard case .success(let plan) = plan(for: message) else { return [] }
        // The bytes are not read for a preview; zeros of the same size give the same body size.
        let media = message.media.map { item in
            var sized = item
            sized.data = item.data ?? [UInt8](repeating: 0, count: item.size)
            return sized
        }
        return plan.steps.compactMap { step in
            let reference: (Int) -> JSONValue = { slot in
                if let known = plan.steps.first(where: { $0.slot == slot })?.action.existingID { return Self.messageID(known) }
                return .string("{message id of message \(slot + 1)}")
            }
            guard let request = client.request(for: step.action, chat: chat, media: media, reference: reference) else { return nil }
            return PreviewRequest(request: request, purpose: step.purpose, length: step.action.length)
        }
    }

    static func parts(_ receipt: Receipt) -> [String] {
        receipt.parts.isEmpty ? receipt.remoteID.map { [$0] } ?? [] : receipt.parts
    }

    static func messageID(_ recorded: String?) -> JSONValue {
        TelegramClient.messageID(recorded.map { TelegramPart(recorded: $0).messageID } ?? "")
    }
}

extension TelegramPlan.Action {
    /// The message an edit or a kept image already is.
    var existingID: String? {
        switch self {
        case .editText(let id, _, _), .editCaption(let id, _): id
        case .keep(let part): part.messageID
        case .sendText, .sendMedia, .delete: nil
        }
    }

    var isMedia: Bool {
        switch self {
        case .sendMedia, .editCaption: true
        case .keep(let part): !part.isText
        case .sendText, .editText, .delete: false
        }
    }

    /// Telegram's words for "already done": an edit to the same text, a message already gone.
    var harmlessAnswer: String? {
        switch self {
        case .editText, .editCaption: "message is not modified"
        case .delete: "message to delete not found"
        case .sendText, .sendMedia, .keep: nil
        }
    }

    /// The length Telegram checks, as it counts.
    var length: TextLength? {
        switch self {
        case .sendText(let html, _, _), .editText(_, let html, _):
            TextLength(count: TelegramText.length(html), limit: TelegramLimits.messageLength, unit: "UTF-16 units, tags not counted")
        case .sendMedia(_, let caption?, _), .editCaption(_, let caption?):
            TextLength(count: caption.utf16.count, limit: TelegramLimits.captionLength, unit: "UTF-16 units of caption")
        default:
            nil
        }
    }
}
