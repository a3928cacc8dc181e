import CurlHTTP
import Foundation
import TrobadorCore

extension BlueskyAdapter {
    /// The requests `deliver` sends, in order. The password and tokens are shown as `***`
    /// or by name; what only the PDS can give (the DID, blob and record CIDs) is shown as
    /// placeholders such as `{cid of part 1}`.
    func preview(_ message: OutboundMessage) -> [PreviewRequest] {
        let api = client.api
        let token = "{accessJwt}"
        var requests = [PreviewRequest(
            request: api.createSession(handle: handle, password: "***"),
            purpose: "sign in as \(handle), once per adapter: later deliveries reuse the session, renewed with refreshSession when it expires")]
        let did = "{did of \(handle)}"
        let previous = BlueskyThread(done: message.previousReceipt, handle: handle).uris
        if message.action != .publish {
            if previous.isEmpty { return [] }
            for (index, uri) in previous.enumerated().reversed() {
                let address = BlueskyRecordAddress(uri: uri) ?? BlueskyRecordAddress(repo: did, rkey: "{rkey of \(uri)}")
                requests.append(PreviewRequest(
                    request: api.deleteRecord(address, accessToken: token),
                    purpose: "delete \(Self.partName(index, of: previous.count))" + (message.action == .update ? " of the published version (Bluesky has no edit)" : "")))
            }
            if message.action == .retract { return requests }
        }
        if let problem = BlueskyMediaRules.problem(in: message.media) {
            return [PreviewRequest(request: requests[0].request, purpose: "nothing is sent: \(problem)")]
        }
        var images: [(blob: BlueskyBlob, alt: String)] = []
        for (index, file) in message.media.enumerated() {
            requests.append(PreviewRequest(
                request: api.uploadBlob(file.data ?? [], contentType: file.contentType, accessToken: token),
                purpose: "upload image \(index + 1) of \(message.media.count): \(file.name), \(file.contentType), \(file.size) bytes"))
            images.append((BlueskyBlob(link: "{cid of image \(index + 1)}", mimeType: file.contentType, size: file.size), file.alt ?? ""))
        }
        let parts = parts(of: message.post)
        let root = BlueskyStrongRef(uri: "{uri of part 1}", cid: "{cid of part 1}")
        for (index, part) in parts.enumerated() {
            let parent = BlueskyStrongRef(uri: "{uri of part \(index)}", cid: "{cid of part \(index)}")
            let record = BlueskyPostRecord(
                text: part, createdAt: now(), language: message.post.lang, images: index == 0 ? images : [],
                reply: index == 0 ? nil : (root, parent))
            // `trobador preview` has no stored message, hence no key to derive record keys from.
            let rkey = message.idempotencyKey.hasPrefix("{")
                ? "{record key of part \(index + 1), from the message's idempotency key}"
                : BlueskyRecordKey.make(key: message.idempotencyKey, part: index, publishAt: message.post.publishAt)
            let name = Self.partName(index, of: parts.count)
            requests.append(PreviewRequest(
                request: api.createRecord(repo: did, rkey: rkey, record: record.json, accessToken: token),
                purpose: index == 0 ? "create \(name)" : "create \(name), in reply to part \(index)",
                length: TextLength(count: LengthRule.graphemes.count(part.text), limit: BlueskyChannelType.maxGraphemes, unit: "graphemes")))
        }
        return requests
    }
}
