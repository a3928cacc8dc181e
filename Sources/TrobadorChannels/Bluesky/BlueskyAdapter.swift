import CurlHTTP
import Foundation
import TrobadorCore

/// Publishes and deletes a post's records in one Bluesky account.
///
/// - Publish: the text rendered for Bluesky (300 graphemes, facets for links and hashtags),
///   as one post or a numbered thread whose parts reply to the first (`root`) and to the one
///   before (`parent`); images are uploaded as blobs and embedded in the first part with
///   their alt text. Each part is created under a record key derived from the message
///   (`BlueskyRecordKey`). When the PDS refuses a key because it exists, the adapter reads
///   the record there: if it holds this part's text, an earlier attempt made it and it is
///   taken as published. An attempt that stops part way returns the posts it published as
///   progress; the next one goes on from the last of them.
/// - Update: Bluesky has no edit. The posts of the receipt are deleted, then the new version
///   is published as above, under new keys (the message's key changes with the version).
///   Deleting first means no one sees both versions; a failure between the two leaves the
///   post absent until the retry publishes it.
/// - Retract: every post of the receipt is deleted, last first.
///
/// The receipt's ids are AT URIs (`at://did:plc:.../app.bsky.feed.post/<rkey>`): they name
/// the repository and the key that deleting needs, and the URL is derived from them.
struct BlueskyAdapter: ChannelAdapter {
    var client: BlueskyClient
    var handle: String
    var loadMedia: @Sendable (_ postID: String, _ version: Int) async throws -> [StoredMedia]
    var now: @Sendable () -> Date = { Date() }

    func parts(of post: Post) -> [RenderedText] {
        PostComposer(format: .bluesky, limit: BlueskyChannelType.maxGraphemes, threads: true).compose(post).parts
    }

    static func partName(_ index: Int, of count: Int) -> String {
        count == 1 ? "the post" : "part \(index + 1) of \(count)"
    }

    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        let previous = BlueskyThread(done: message.previousReceipt, handle: handle).uris
        if message.action != .publish, previous.isEmpty {
            return .failed(reason: "no Bluesky post was recorded for this post, so it cannot be \(message.action == .update ? "replaced" : "deleted")", httpStatus: nil)
        }
        if message.action != .retract, let problem = BlueskyMediaRules.problem(in: message.media) {
            return .failed(reason: problem, httpStatus: nil)
        }
        var thread = BlueskyThread(done: message.progress, handle: handle)
        do throws(BlueskyStop) {
            switch message.action {
            case .publish:
                try await publish(message, into: &thread)
            case .update:
                // Progress means an earlier attempt already deleted the old version.
                if thread.uris.isEmpty { try await delete(previous) }
                try await publish(message, into: &thread)
            case .retract:
                try await delete(previous)
                return .delivered(Receipt(remoteID: message.previousReceipt?.remoteID, url: message.previousReceipt?.url, httpStatus: 200, parts: message.previousReceipt?.parts ?? []))
            }
        } catch {
            return thread.stopped(error.outcome)
        }
        return .delivered(thread.receipt)
    }

    private func publish(_ message: OutboundMessage, into thread: inout BlueskyThread) async throws(BlueskyStop) {
        let parts = parts(of: message.post)
        let did = try await client.did()
        if !thread.uris.isEmpty, thread.uris.count < parts.count {
            let root = try await existing(thread.uris[0], "reading part 1 back to go on with the thread")
            thread.root = root
            thread.parent = thread.uris.count == 1
                ? root : try await existing(thread.uris[thread.uris.count - 1], "reading part \(thread.uris.count) back to go on with the thread")
        }
        let images = thread.uris.isEmpty ? try await upload(message) : []
        for index in thread.uris.count..<parts.count {
            let record = BlueskyPostRecord(
                text: parts[index], createdAt: now(), language: message.post.lang, images: index == 0 ? images : [], reply: thread.reply)
            let address = BlueskyRecordAddress(
                repo: did, rkey: BlueskyRecordKey.make(key: message.idempotencyKey, part: index, publishAt: message.post.publishAt))
            thread.append(try await create(record, at: address, Self.partName(index, of: parts.count)))
        }
    }

    /// Creates the record, or finds it where an earlier attempt of this message created it.
    private func create(_ record: BlueskyPostRecord, at address: BlueskyRecordAddress, _ what: String) async throws(BlueskyStop) -> BlueskyStrongRef {
        let response = try await client.call(what, accepting: Self.mayMeanTaken) {
            client.api.createRecord(repo: address.repo, rkey: address.rkey, record: record.json, accessToken: $0.access)
        }
        if (200..<300).contains(response.status) {
            guard let object = BlueskyAnswer.json(response), let uri = object["uri"] as? String, let cid = object["cid"] as? String else {
                throw BlueskyStop(outcome: .failed(reason: "\(what): the PDS answered \(response.status) without the record's uri and cid", httpStatus: response.status))
            }
            return BlueskyStrongRef(uri: uri, cid: cid)
        }
        guard let found = try await lookUp(address, what + ", checking whether its record key is taken") else {
            throw BlueskyStop(outcome: BlueskyAnswer.outcome(.success(response))).during(what)
        }
        guard found.text == record.text.text else {
            throw BlueskyStop(outcome: .failed(reason: "\(what): record key \(address.rkey) already holds another post (\(found.ref.uri))", httpStatus: response.status))
        }
        return found.ref
    }

    /// The reference PDS answers a create under an existing key with a bare 500; newer
    /// servers name the conflict. Either way, what is at the key decides.
    static func mayMeanTaken(_ response: HTTPResponse) -> Bool {
        response.status == 500 || response.status == 409 || (BlueskyAnswer.errorName(response)?.hasSuffix("AlreadyExists") ?? false)
    }

    /// The record at `address` with its text, or nil when there is none (`RecordNotFound`).
    private func lookUp(_ address: BlueskyRecordAddress, _ what: String) async throws(BlueskyStop) -> (ref: BlueskyStrongRef, text: String?)? {
        let response = try await client.call(what, accepting: { $0.status == 400 && BlueskyAnswer.errorName($0) == "RecordNotFound" }) {
            client.api.getRecord(address, accessToken: $0.access)
        }
        guard (200..<300).contains(response.status), let object = BlueskyAnswer.json(response),
              let uri = object["uri"] as? String, let cid = object["cid"] as? String else { return nil }
        return (BlueskyStrongRef(uri: uri, cid: cid), (object["value"] as? [String: Any])?["text"] as? String)
    }

    /// A post an earlier attempt published, which the thread goes on from.
    private func existing(_ uri: String, _ what: String) async throws(BlueskyStop) -> BlueskyStrongRef {
        guard let address = BlueskyRecordAddress(uri: uri) else {
            throw BlueskyStop(outcome: .failed(reason: "\(what): \(uri) is not an AT URI", httpStatus: nil))
        }
        guard let found = try await lookUp(address, what) else {
            throw BlueskyStop(outcome: .failed(reason: "\(what): \(uri) is no longer on the PDS (deleted by hand?)", httpStatus: nil))
        }
        return found.ref
    }

    /// Deletes the posts at `uris`, last first, so that what an interrupted attempt leaves is
    /// still a thread from its start. Deleting a record already gone succeeds.
    private func delete(_ uris: [String]) async throws(BlueskyStop) {
        for (index, uri) in uris.enumerated().reversed() {
            let what = "deleting " + Self.partName(index, of: uris.count)
            guard let address = BlueskyRecordAddress(uri: uri) else {
                throw BlueskyStop(outcome: .failed(reason: "\(what): \(uri) is not an AT URI", httpStatus: nil))
            }
            _ = try await client.call(what) { client.api.deleteRecord(address, accessToken: $0.access) }
        }
    }
}
