import CurlHTTP
import Foundation
import TrobadorCore

/// Publishes, edits and deletes a post's statuses on one Mastodon account.
///
/// - Publish: the text rendered for Mastodon (URLs counted as 23), as one status or a
///   numbered thread where each part replies to the previous one; images are uploaded first
///   and attached to the first part. Part `n` carries `Idempotency-Key: <message key>-<n>`,
///   so a resend within the hour Mastodon keeps keys returns the status already made (a
///   crash followed by a restart more than an hour later could post a part again). An attempt that
///   stops part way returns the ids it published as progress; the next one goes on from the
///   last of them.
/// - Update: each part of the new version edits (`PUT`) the status at the same place in
///   the old thread. Parts beyond the old thread are posted as replies; statuses beyond the
///   new thread are deleted. The first part's images are replaced by the new version's.
/// - Retract: every status of the receipt is deleted, last first; one already gone (404)
///   counts as deleted.
///
/// The receipt names the first status (`remoteID`, `url`) and, for a thread, every status id
/// in order (`parts`).
struct MastodonAdapter: ChannelAdapter {
    var api: MastodonAPI
    var visibility: MastodonVisibility
    var maxCharacters: Int
    var http: any HTTPClient
    var loadMedia: @Sendable (_ postID: String, _ version: Int) async throws -> [StoredMedia]
    /// How often, and how many times, to ask whether an uploaded image is processed.
    var mediaPollInterval: Duration = .seconds(1)
    var mediaPollLimit = 30

    /// The text of each status, as Mastodon counts it.
    func parts(of post: Post) -> [RenderedText] {
        PostComposer(format: .mastodon, limit: maxCharacters, lengthRule: .mastodon(urlLength: 23), threads: true)
            .compose(post).parts
    }

    /// The `Idempotency-Key` of part `index` (from 0) of this message.
    static func idempotencyKey(_ message: OutboundMessage, part index: Int) -> String {
        message.idempotencyKey + "-" + String(index + 1)
    }

    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        switch message.action {
        case .publish: await publish(message)
        case .update: await update(message)
        case .retract: await retract(message)
        }
    }

    private func publish(_ message: OutboundMessage) async -> DeliveryOutcome {
        if let problem = MastodonMediaRules.problem(in: message.media) { return .failed(reason: problem, httpStatus: nil) }
        let parts = parts(of: message.post)
        var thread = MastodonThread(done: message.progress)
        do throws(MastodonStop) {
            var mediaIDs: [String] = []
            if thread.ids.isEmpty { mediaIDs = try await upload(message) }
            for index in thread.ids.count..<parts.count {
                let request = api.postStatus(
                    parts[index].text, replyTo: thread.ids.last, mediaIDs: index == 0 ? mediaIDs : [],
                    visibility: visibility, language: message.post.lang,
                    idempotencyKey: Self.idempotencyKey(message, part: index))
                let response = try await send(request, Self.partName(index, of: parts.count))
                try thread.append(response, as: Self.partName(index, of: parts.count))
            }
        } catch {
            return thread.stopped(error.outcome)
        }
        return .delivered(thread.receipt)
    }

    private func update(_ message: OutboundMessage) async -> DeliveryOutcome {
        let old = MastodonThread(done: message.previousReceipt).ids
        guard !old.isEmpty else {
            return .failed(reason: "no Mastodon status id was recorded for this post, so it cannot be edited", httpStatus: nil)
        }
        if let problem = MastodonMediaRules.problem(in: message.media) { return .failed(reason: problem, httpStatus: nil) }
        let parts = parts(of: message.post)
        var thread = MastodonThread(done: message.progress)
        do throws(MastodonStop) {
            var mediaIDs: [String] = []
            if thread.ids.isEmpty { mediaIDs = try await upload(message) }
            for index in thread.ids.count..<parts.count {
                let name = Self.partName(index, of: parts.count)
                let request = index < old.count
                    ? api.editStatus(old[index], text: parts[index].text, mediaIDs: index == 0 ? mediaIDs : nil, language: message.post.lang)
                    : api.postStatus(
                        parts[index].text, replyTo: thread.ids.last, mediaIDs: [], visibility: visibility,
                        language: message.post.lang, idempotencyKey: Self.idempotencyKey(message, part: index))
                try thread.append(try await send(request, name), as: name)
            }
            // The new version is shorter: its thread ends where the old one went on.
            for id in old.dropFirst(parts.count).reversed() {
                _ = try await send(api.deleteStatus(id), "deleting status \(id), no longer part of the thread", goneIsDone: true)
            }
        } catch {
            return thread.stopped(error.outcome)
        }
        return .delivered(thread.receipt)
    }

    private func retract(_ message: OutboundMessage) async -> DeliveryOutcome {
        let ids = MastodonThread(done: message.previousReceipt).ids
        guard let previous = message.previousReceipt, !ids.isEmpty else {
            return .failed(reason: "no Mastodon status id was recorded for this post, so it cannot be deleted", httpStatus: nil)
        }
        do throws(MastodonStop) {
            // Last first: if the attempt stops, what remains is still a thread from its start.
            for (index, id) in ids.enumerated().reversed() {
                _ = try await send(api.deleteStatus(id), "deleting \(Self.partName(index, of: ids.count))", goneIsDone: true)
            }
        } catch {
            return error.outcome
        }
        return .delivered(Receipt(remoteID: previous.remoteID, url: previous.url, httpStatus: 200, parts: previous.parts))
    }

    static func partName(_ index: Int, of count: Int) -> String {
        count == 1 ? "the status" : "part \(index + 1) of \(count)"
    }

    /// One exchange: the 2xx response, or the outcome that ends the delivery. With
    /// `goneIsDone`, Mastodon's own 404 (`Record not found`) counts as success: a status
    /// someone already deleted needs no deleting.
    func send(_ request: HTTPRequest, _ what: String, goneIsDone: Bool = false) async throws(MastodonStop) -> HTTPResponse {
        let result = await http.exchange(request)
        if case .success(let response) = result {
            if (200..<300).contains(response.status) { return response }
            if goneIsDone, response.status == 404, MastodonAnswer.message(response) != nil { return response }
        }
        throw MastodonStop(outcome: MastodonThread.prefixed(MastodonAnswer.outcome(result), with: what))
    }
}
