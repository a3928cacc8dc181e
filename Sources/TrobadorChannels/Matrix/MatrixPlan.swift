import TrobadorCore

/// How a receipt records a Matrix message (see `RecordedPart`).
typealias MatrixPart = RecordedPart

extension RecordedPart {
    var eventID: String { id }
}

/// The requests one delivery makes, in order. Every step that leaves an event in the room
/// fills one slot of the receipt's `parts` (text parts, then images); redactions come last.
/// Each step that sends has a transaction label, unique within the delivery, which with the
/// delivery's idempotency key makes the `txnId`: a retried step reuses it and the homeserver
/// answers with the event it already has.
struct MatrixPlan: Sendable {
    enum Action: Sendable, Equatable {
        /// `root` and `previous` are slots: the thread's first part, the part before.
        case sendText(RenderedText, root: Int?, previous: Int?)
        /// `media` indexes the post's media: upload it, then send the `m.image`.
        case sendImage(media: Int)
        case editText(eventID: String, RenderedText)
        /// An image an update leaves as it is: recorded again, no request.
        case keep(MatrixPart)
        case redact(eventID: String)
    }

    struct Step: Sendable {
        var action: Action
        var slot: Int?
        /// Makes the `txnId` with the idempotency key (`part2`, `image1`, `redact3`...).
        var label: String
        var purpose: String
    }

    private(set) var steps: [Step] = []
    private(set) var slotCount = 0

    /// The first part in the room, the others in its thread, then the images in the room.
    static func publish(texts: [RenderedText], media: [StoredMedia]) -> MatrixPlan {
        var plan = MatrixPlan()
        for (index, part) in texts.enumerated() {
            plan.fill(.sendText(part, root: index > 0 ? 0 : nil, previous: index > 0 ? index - 1 : nil),
                      label: "part\(index + 1)", purpose: partPurpose(index, of: texts.count))
        }
        plan.sendImages(media, from: 0)
        return plan
    }

    /// Replaces each old part's text (`m.replace`). A new text with more parts continues
    /// the first part's thread; one with fewer redacts the old surplus parts. Images stay as
    /// they are (an `m.image` edit would need the file again); images the new version adds
    /// are sent; an update never removes an image.
    static func update(previous: [MatrixPart], texts: [RenderedText], media: [StoredMedia]) -> MatrixPlan {
        var plan = MatrixPlan()
        let oldTexts = previous.filter(\.isText)
        let oldMedia = previous.filter { !$0.isText }
        for (index, part) in texts.enumerated() {
            let purpose = partPurpose(index, of: texts.count)
            if index < oldTexts.count {
                plan.fill(.editText(eventID: oldTexts[index].eventID, part), label: "edit\(index + 1)", purpose: "edit " + purpose)
            } else {
                plan.fill(.sendText(part, root: index > 0 ? 0 : nil, previous: index > 0 ? index - 1 : nil),
                          label: "part\(index + 1)", purpose: "new " + purpose)
            }
        }
        for (index, old) in oldMedia.enumerated() {
            plan.fill(.keep(old), label: "keep\(index + 1)", purpose: "keep image \(index + 1)")
        }
        plan.sendImages(media, from: oldMedia.count)
        for (index, old) in oldTexts.enumerated().dropFirst(texts.count) {
            plan.steps.append(Step(action: .redact(eventID: old.eventID), slot: nil, label: "redact\(index + 1)",
                                   purpose: "redact old part \(index + 1), no longer needed"))
        }
        return plan
    }

    /// Every event of the post, first to last.
    static func retract(previous: [MatrixPart]) -> MatrixPlan {
        var plan = MatrixPlan()
        for (index, part) in previous.enumerated() {
            plan.steps.append(Step(action: .redact(eventID: part.eventID), slot: nil, label: "redact\(index + 1)",
                                   purpose: "redact event \(index + 1) of \(previous.count)"))
        }
        return plan
    }

    /// The indexes of the post's media this plan uploads.
    var uploadedMedia: [Int] {
        steps.compactMap { if case .sendImage(let media) = $0.action { media } else { nil } }
    }

    private static func partPurpose(_ index: Int, of count: Int) -> String {
        let part = "part \(index + 1) of \(count)"
        return index == 0 ? part : part + ", in the thread of part 1, replying to part \(index)"
    }

    private mutating func sendImages(_ media: [StoredMedia], from start: Int) {
        guard start < media.count else { return }
        for index in start..<media.count {
            fill(.sendImage(media: index), label: "image\(index + 1)",
                 purpose: "image \(index + 1) of \(media.count) (\(media[index].name)), its alt text as body")
        }
    }

    private mutating func fill(_ action: Action, label: String, purpose: String) {
        steps.append(Step(action: action, slot: slotCount, label: label, purpose: purpose))
        slotCount += 1
    }
}
