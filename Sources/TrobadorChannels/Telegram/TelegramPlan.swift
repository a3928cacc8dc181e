import TrobadorCore

/// How a receipt records a Telegram message (see `RecordedPart`).
typealias TelegramPart = RecordedPart

extension RecordedPart {
    var messageID: String { id }
}

/// How Telegram shows links of a message.
enum TelegramLinkPreview: Equatable, Sendable {
    /// The preview of this URL (the post's `link`), wherever it sits in the text.
    case url(String)
    /// Telegram's choice: the first link of the text.
    case automatic
    /// None: later parts of a thread do not repeat the first part's preview.
    case disabled
}

/// The requests one delivery makes, in order. Every step that leaves a message in the chat
/// fills one slot of the receipt's `parts`, in the order the thread reads (its text parts,
/// then its images); deletions come last and fill none. Each new message replies to the slot
/// before it, so the thread reads as one reply chain.
struct TelegramPlan: Sendable {
    enum Action: Sendable, Equatable {
        case sendText(html: String, preview: TelegramLinkPreview, replyTo: Int?)
        /// `media` indexes the post's media; the caption is the image's alt text.
        case sendMedia(media: Int, caption: String?, replyTo: Int?)
        case editText(messageID: String, html: String, preview: TelegramLinkPreview)
        case editCaption(messageID: String, caption: String?)
        /// A message an update leaves as it is: recorded again, no request.
        case keep(TelegramPart)
        case delete(messageID: String)
    }

    struct Step: Sendable {
        var action: Action
        var slot: Int?
        var purpose: String
    }

    private(set) var steps: [Step] = []
    private(set) var slotCount = 0

    /// Text parts, then each image replying to the message before it.
    static func publish(texts: [String], media: [StoredMedia], link: String?) -> TelegramPlan {
        var plan = TelegramPlan()
        for (index, html) in texts.enumerated() {
            let preview: TelegramLinkPreview = index > 0 ? .disabled : link.map(TelegramLinkPreview.url) ?? .automatic
            plan.fill(.sendText(html: html, preview: preview, replyTo: plan.previousSlot), purpose: plan.partPurpose(index, of: texts.count))
        }
        plan.sendMedia(media, from: 0)
        return plan
    }

    /// Edits what was published in place. When the new text has more parts, the extra ones
    /// are sent as replies after the last old part; when it has fewer, the old surplus parts
    /// are deleted. Images keep their file: the first ones get their new alt text as caption,
    /// images the new version adds are sent, and an update never deletes an image.
    static func update(previous: [TelegramPart], texts: [String], media: [StoredMedia], link: String?) -> TelegramPlan {
        var plan = TelegramPlan()
        let oldTexts = previous.filter(\.isText)
        let oldMedia = previous.filter { !$0.isText }
        for (index, html) in texts.enumerated() {
            let preview: TelegramLinkPreview = index > 0 ? .disabled : link.map(TelegramLinkPreview.url) ?? .automatic
            let purpose = plan.partPurpose(index, of: texts.count)
            if index < oldTexts.count {
                plan.fill(.editText(messageID: oldTexts[index].messageID, html: html, preview: preview), purpose: "edit " + purpose)
            } else {
                plan.fill(.sendText(html: html, preview: preview, replyTo: plan.previousSlot), purpose: "new " + purpose)
            }
        }
        for (index, old) in oldMedia.enumerated() {
            if index < media.count {
                plan.fill(.editCaption(messageID: old.messageID, caption: media[index].alt), purpose: "edit the caption of image \(index + 1)")
            } else {
                plan.fill(.keep(old), purpose: "keep image \(index + 1)")
            }
        }
        plan.sendMedia(media, from: oldMedia.count)
        for (index, old) in oldTexts.enumerated().dropFirst(texts.count) {
            plan.steps.append(Step(action: .delete(messageID: old.messageID), slot: nil,
                                   purpose: "delete old part \(index + 1), no longer needed"))
        }
        return plan
    }

    /// Every message of the post, first to last.
    static func retract(previous: [TelegramPart]) -> TelegramPlan {
        var plan = TelegramPlan()
        for (index, part) in previous.enumerated() {
            plan.steps.append(Step(action: .delete(messageID: part.messageID), slot: nil,
                                   purpose: "delete message \(index + 1) of \(previous.count)"))
        }
        return plan
    }

    private var previousSlot: Int? { slotCount > 0 ? slotCount - 1 : nil }

    private func partPurpose(_ index: Int, of count: Int) -> String {
        let part = "part \(index + 1) of \(count)"
        return index == 0 ? part : part + ", in reply to part \(index)"
    }

    private mutating func sendMedia(_ media: [StoredMedia], from start: Int) {
        guard start < media.count else { return }
        for index in start..<media.count {
            let reply = previousSlot.map { ", in reply to message \($0 + 1)" } ?? ""
            fill(.sendMedia(media: index, caption: media[index].alt, replyTo: previousSlot),
                 purpose: "image \(index + 1) of \(media.count) (\(media[index].name)), its alt text as caption\(reply)")
        }
    }

    private mutating func fill(_ action: Action, purpose: String) {
        steps.append(Step(action: action, slot: slotCount, purpose: purpose))
        slotCount += 1
    }
}
