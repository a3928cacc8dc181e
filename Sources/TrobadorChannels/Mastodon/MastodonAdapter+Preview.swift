import CurlHTTP
import TrobadorCore

extension MastodonAdapter {
    /// The requests `deliver` sends, in order, with the token shown as `***` and the ids that
    /// only the instance can give (`{id of part 1}`, `{id of image 1}`) as placeholders.
    func preview(_ message: OutboundMessage) -> [PreviewRequest] {
        let api = api.redacted
        let parts = parts(of: message.post)
        let old = MastodonThread(done: message.previousReceipt).ids
        switch message.action {
        case .publish, .update:
            if message.action == .update, old.isEmpty { return [] }
            var requests = uploads(message.media, api: api)
            if let problem = MastodonMediaRules.problem(in: message.media) {
                return [PreviewRequest(request: requests.first?.request ?? api.media("-"), purpose: "nothing is sent: \(problem)")]
            }
            let mediaIDs = message.media.indices.map { "{id of image \($0 + 1)}" }
            for (index, part) in parts.enumerated() {
                let name = Self.partName(index, of: parts.count)
                let request: HTTPRequest
                let purpose: String
                if message.action == .update, index < old.count {
                    request = api.editStatus(old[index], text: part.text, mediaIDs: index == 0 ? mediaIDs : nil, language: message.post.lang)
                    purpose = "edit \(name)"
                } else {
                    let replyTo = index == 0 ? nil : (message.action == .update && index - 1 < old.count ? old[index - 1] : "{id of part \(index)}")
                    request = api.postStatus(
                        part.text, replyTo: replyTo, mediaIDs: index == 0 ? mediaIDs : [], visibility: visibility,
                        language: message.post.lang, idempotencyKey: Self.idempotencyKey(message, part: index))
                    purpose = index == 0 ? "post \(name)" : "post \(name), in reply to part \(index)"
                }
                requests.append(PreviewRequest(request: request, purpose: purpose, length: length(of: part.text)))
            }
            if message.action == .update {
                for id in old.dropFirst(parts.count).reversed() {
                    requests.append(PreviewRequest(request: api.deleteStatus(id), purpose: "delete status \(id), no longer part of the thread"))
                }
            }
            return requests
        case .retract:
            return old.enumerated().reversed().map { index, id in
                PreviewRequest(request: api.deleteStatus(id), purpose: "delete \(Self.partName(index, of: old.count))")
            }
        }
    }

    private func uploads(_ media: [StoredMedia], api: MastodonAPI) -> [PreviewRequest] {
        media.enumerated().map { index, file in
            // Preview has the descriptions of the files, not always their bytes.
            let request = api.uploadMedia(file, bytes: file.data ?? [])
            let alt = file.alt.map { ", description \"\($0)\"" } ?? ", no description"
            return PreviewRequest(
                request: request,
                purpose: "upload image \(index + 1) of \(media.count): \(file.name), \(file.contentType), \(file.size) bytes\(alt); "
                    + "then GET /api/v1/media/{id} until processed if the instance answers 202")
        }
    }

    private func length(of text: String) -> TextLength {
        TextLength(count: LengthRule.mastodon(urlLength: 23).count(text), limit: maxCharacters, unit: "characters, URLs as 23")
    }
}
