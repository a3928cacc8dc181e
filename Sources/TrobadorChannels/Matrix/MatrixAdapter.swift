import CurlHTTP
import TrobadorCore

/// Publishes, edits and redacts a post's events in one Matrix room (see `MatrixChannelType`
/// for the shape of a post there, `MatrixPlan` for updates).
struct MatrixAdapter: ChannelAdapter {
    var client: MatrixClient
    var loadMedia: @Sendable (_ postID: String, _ version: Int) async throws -> [StoredMedia]

    /// The post's text parts: `body` within `MatrixLimits.bodyBytes`, and smaller still if an
    /// edit of a part (the heaviest event it can become) would not fit an event; HTML-heavy or
    /// escape-heavy text can take several times its `body`.
    static func compose(_ post: Post) -> [RenderedText] {
        var limit = MatrixLimits.bodyBytes
        while true {
            let parts = PostComposer(format: .matrixHTML, limit: limit, lengthRule: .utf8Bytes, threads: true).compose(post).parts
                .filter { !($0.plainText ?? $0.text).allSatisfy(\.isWhitespace) }
            let heaviest = parts.map { MatrixContent.edit(of: longestEventID, with: $0).bytes.count }.max() ?? 0
            if heaviest <= MatrixLimits.contentBytes || limit < 2_000 { return parts }
            limit = limit * 3 / 4
        }
    }

    /// Event ids are `$` and 43 characters of base64 in current room versions.
    private static let longestEventID = "$" + String(repeating: "A", count: 43)

    /// The plan for a message, or why it cannot be sent; checked before anything is sent.
    func plan(for message: OutboundMessage) -> Result<MatrixPlan, DeliveryProblem> {
        let texts = Self.compose(message.post)
        let previous = (message.previousReceipt.map(Self.parts) ?? []).map(MatrixPart.init(recorded:))
        let plan: MatrixPlan
        switch message.action {
        case .publish:
            plan = .publish(texts: texts, media: message.media)
        case .update:
            guard !previous.isEmpty else { return .failure(DeliveryProblem("no Matrix event id was recorded for this post, so it cannot be edited")) }
            plan = .update(previous: previous, texts: texts, media: message.media)
        case .retract:
            guard !previous.isEmpty else { return .failure(DeliveryProblem("no Matrix event id was recorded for this post, so it cannot be redacted")) }
            plan = .retract(previous: previous)
        }
        for index in plan.uploadedMedia {
            let item = message.media[index]
            guard MatrixLimits.imageTypes.contains(item.contentType) else {
                return .failure(DeliveryProblem("image \(index + 1) (\(item.name)) is \(item.contentType); Matrix clients show JPEG, PNG, GIF or WebP"))
            }
            if item.size > MatrixLimits.uploadBytes {
                return .failure(DeliveryProblem(
                    "image \(index + 1) (\(item.name)) is \(item.size) bytes; homeservers take \(MatrixLimits.uploadBytes / 1_048_576) MB by default"))
            }
        }
        for step in plan.steps {
            if let content = content(step.action, reference: { _ in Self.longestEventID }),
               content.bytes.count > MatrixLimits.contentBytes {
                return .failure(DeliveryProblem("\(step.purpose) is \(content.bytes.count) bytes of JSON; a Matrix event holds \(MatrixLimits.eventBytes)"))
            }
        }
        return .success(plan)
    }

    /// The event content a text step sends (nil for the other steps, whose content comes later or is none).
    func content(_ action: MatrixPlan.Action, reference: (Int) -> String) -> JSONValue? {
        switch action {
        case .sendText(let part, let root?, let previous?):
            MatrixContent.text(part, thread: (.string(reference(root)), .string(reference(previous))))
        case .sendText(let part, _, _):
            MatrixContent.text(part)
        case .editText(let eventID, let part):
            MatrixContent.edit(of: eventID, with: part)
        case .sendImage, .keep, .redact:
            nil
        }
    }

    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        let plan: MatrixPlan
        switch self.plan(for: message) {
        case .success(let made): plan = made
        case .failure(let refusal): return refusal.outcome
        }
        // What earlier attempts of this delivery already did is not done again.
        var ids = RecordedPart.resumed(from: message.progress, slots: plan.slotCount)

        var media = message.media
        if plan.steps.contains(where: { if case .sendImage = $0.action, let slot = $0.slot { ids[slot] == nil } else { false } }) {
            do {
                media = try await MediaBytes.load(message.media, of: message, using: loadMedia)
            } catch {
                return .retry(after: nil, reason: error.reason, httpStatus: nil, progress: receipt(ids))
            }
        }

        var lastStatus: Int?
        for step in plan.steps {
            if let slot = step.slot, ids[slot] != nil { continue }
            let txnID = message.idempotencyKey + "." + step.label
            let request: HTTPRequest
            switch step.action {
            case .keep(let part):
                if let slot = step.slot { ids[slot] = part.recorded }
                continue
            case .redact(let eventID):
                request = client.redact(eventID, txnID: txnID)
            case .sendImage(let index):
                let upload = await client.perform(client.upload(media[index]))
                guard case .accepted(let stored) = upload, let uri = stored.contentURI else {
                    if case .refused(let outcome) = upload { return annotated(outcome, step: step, ids: ids, upload: true) }
                    return .failed(reason: "\(step.purpose): the homeserver stored the file but gave no content_uri", httpStatus: nil)
                }
                request = client.send(MatrixContent.image(media[index], url: .string(uri)), txnID: txnID)
            case .sendText, .editText:
                let reference: (Int) -> String = { MatrixPart(recorded: ids[$0] ?? "").eventID }
                guard let content = content(step.action, reference: reference) else { continue }
                request = client.send(content, txnID: txnID)
            }
            // A redaction of an event the homeserver no longer knows has nothing left to do.
            let harmless = if case .redact = step.action { "M_NOT_FOUND" } else { String?.none }
            switch await client.perform(request, harmless: harmless) {
            case .accepted(let done):
                // An answer that means "already done" (a 404) does not stand for the delivery.
                lastStatus = (200..<300).contains(done.httpStatus) ? done.httpStatus : lastStatus ?? done.httpStatus
                guard let slot = step.slot else { continue }
                let existing: String? = if case .editText(let eventID, _) = step.action { eventID } else { nil }
                guard let id = existing ?? done.eventID else {
                    return .failed(reason: "\(step.purpose): the homeserver answered without an event_id", httpStatus: done.httpStatus)
                }
                ids[slot] = step.action.isImage ? MatrixPart.media(id).recorded : id
            case .refused(let outcome):
                return annotated(outcome, step: step, ids: ids, upload: false)
            }
        }
        var done = message.action == .retract
            ? Receipt(remoteID: message.previousReceipt?.remoteID, parts: message.previousReceipt.map(Self.parts) ?? [])
            : receipt(ids) ?? Receipt()
        done.httpStatus = lastStatus
        return .delivered(done)
    }

    /// The events so far: the first one's id and link, and every event's id.
    private func receipt(_ ids: [String?]) -> Receipt? {
        let parts = Array(ids.prefix { $0 != nil }.compactMap { $0 })
        guard let first = parts.first.map({ MatrixPart(recorded: $0).eventID }) else { return nil }
        return Receipt(remoteID: first, url: client.link(to: first), parts: parts)
    }

    /// A stop part-way says which step, and keeps what was already published: a retry goes
    /// on from there; a failure names the events already in the room.
    private func annotated(_ outcome: DeliveryOutcome, step: MatrixPlan.Step, ids: [String?], upload: Bool) -> DeliveryOutcome {
        let progress = receipt(ids)
        let stage = upload ? "\(step.purpose), upload" : step.purpose
        switch outcome {
        case .retry(let after, let reason, let status, _):
            return .retry(after: after, reason: "\(stage): \(reason)", httpStatus: status, progress: progress)
        case .failed(let reason, let status):
            let published = progress.map { "; already in the room: \($0.parts.joined(separator: ", "))" } ?? ""
            return .failed(reason: "\(stage): \(reason)\(published)", httpStatus: status)
        case .delivered:
            return outcome
        }
    }

    static func parts(_ receipt: Receipt) -> [String] {
        receipt.parts.isEmpty ? receipt.remoteID.map { [$0] } ?? [] : receipt.parts
    }
}

extension MatrixPlan.Action {
    var isImage: Bool {
        switch self {
        case .sendImage: true
        case .keep(let part): !part.isText
        case .sendText, .editText, .redact: false
        }
    }
}
