import Foundation

/// A Mastodon instance on 127.0.0.1 that checks requests the way Mastodon does and answers
/// with its shapes: Bearer token, JSON statuses counted in graphemes with every URL as 23
/// (422 `Validation failed: Text character limit of 500 exceeded` beyond), an
/// `Idempotency-Key` answered with the status it already made, multipart media uploads
/// with a description (202 while processing, then 206/200 on `GET /api/v1/media/:id`, and
/// 422 for a status attaching a file still processing), edits, deletions, 404
/// `Record not found`. Tests can script the next answers (`failNext`) to play outages and
/// rate limits.
public final class MastodonStandIn: Sendable {
    public struct Status: Sendable {
        public var id: String
        public var text: String
        public var inReplyTo: String?
        public var mediaIDs: [String]
        public var visibility: String
        public var language: String?
        public var edits = 0
    }

    public struct Media: Sendable {
        public var id: String
        public var description: String?
        public var filename: String
        public var contentType: String
        public var size: Int
        public var pollsLeft: Int
        public var attached = false
    }

    private struct Rule: Sendable {
        public var method: String
        public var pathPrefix: String
        public var skip: Int
        public var answer: LoopbackReceiver.Answer
    }

    private struct State: Sendable {
        public var statuses: [String: Status] = [:]
        public var order: [String] = []
        public var deleted: [String] = []
        public var media: [String: Media] = [:]
        public var keys: [String: String] = [:]
        public var nextID = 110_000_000_000_000_001
        public var rules: [Rule] = []
    }

    public let token: String
    public let maxCharacters: Int
    /// How many `GET /api/v1/media/:id` answer 206 before 200; 0 means uploads answer 200.
    public let processingPolls: Int
    private let state = Locked(State())
    private let receiver = Locked<LoopbackReceiver?>(nil)

    private init(token: String, maxCharacters: Int, processingPolls: Int) {
        self.token = token
        self.maxCharacters = maxCharacters
        self.processingPolls = processingPolls
    }

    public static func start(token: String = "mastodon-secret-TOKEN-4242", maxCharacters: Int = 500, processingPolls: Int = 0) async throws -> MastodonStandIn {
        let instance = MastodonStandIn(token: token, maxCharacters: maxCharacters, processingPolls: processingPolls)
        let receiver = try await LoopbackReceiver { request, _ in instance.answer(request) }
        instance.receiver.withLock { $0 = receiver }
        return instance
    }

    public var url: String { receiver.withLock { $0!.url } }
    public var requests: [LoopbackReceiver.Received] { receiver.withLock { $0!.requests } }
    /// The statuses online, oldest first.
    public var statuses: [Status] { state.withLock { state in state.order.compactMap { state.statuses[$0] } } }
    public var deleted: [String] { state.withLock { $0.deleted } }
    public var media: [Media] { state.withLock { Array($0.media.values).sorted { $0.id < $1.id } } }

    public func stop() async { await receiver.withLock { $0! }.stop() }

    /// The next `method` request whose path starts with `pathPrefix`, after `skip` of them, gets `answer`.
    public func failNext(_ method: String, _ pathPrefix: String, skip: Int = 0, with answer: LoopbackReceiver.Answer) {
        state.withLock { $0.rules.append(Rule(method: method, pathPrefix: pathPrefix, skip: skip, answer: answer)) }
    }

    public static func rateLimited(resetIn seconds: Int) -> LoopbackReceiver.Answer {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return .init(status: 429, headers: [
            "Content-Type": "application/json", "X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": formatter.string(from: Date().addingTimeInterval(Double(seconds))),
        ], body: #"{"error":"Too many requests"}"#)
    }

    /// Mastodon's count, written apart from Trobador's: grapheme clusters, each URL as 23.
    public static func length(_ text: String) -> Int {
        var count = text.count
        for match in text.matches(of: /https?:\/\/[^\s]+/) {
            var url = String(match.output)
            while let last = url.last, ".,:;!?)]}'\"»".contains(last) { url.removeLast() }
            count += 23 - url.count
        }
        return count
    }

    private func answer(_ request: LoopbackReceiver.Received) -> LoopbackReceiver.Answer {
        if let scripted = scripted(request) { return scripted }
        guard request.header("authorization") == "Bearer " + token else {
            return error(401, "The access token is invalid")
        }
        let path = request.path
        switch (request.method, path) {
        case ("POST", "/api/v2/media"): return upload(request)
        case ("GET", _) where path.hasPrefix("/api/v1/media/"): return showMedia(String(path.dropFirst("/api/v1/media/".count)))
        case ("POST", "/api/v1/statuses"): return post(request)
        case ("PUT", _) where path.hasPrefix("/api/v1/statuses/"): return edit(String(path.dropFirst("/api/v1/statuses/".count)), request)
        case ("DELETE", _) where path.hasPrefix("/api/v1/statuses/"): return delete(String(path.dropFirst("/api/v1/statuses/".count)))
        default: return error(404, "Record not found")
        }
    }

    private func scripted(_ request: LoopbackReceiver.Received) -> LoopbackReceiver.Answer? {
        state.withLock { state in
            guard let index = state.rules.firstIndex(where: { $0.method == request.method && request.path.hasPrefix($0.pathPrefix) }) else { return nil }
            if state.rules[index].skip > 0 {
                state.rules[index].skip -= 1
                return nil
            }
            return state.rules.remove(at: index).answer
        }
    }

    private func upload(_ request: LoopbackReceiver.Received) -> LoopbackReceiver.Answer {
        guard let type = request.header("content-type"), type.hasPrefix("multipart/form-data; boundary="),
              let form = StandInMultipart(body: request.body, boundary: String(type.dropFirst("multipart/form-data; boundary=".count))),
              let file = form.fields["file"], let filename = file.filename else {
            return error(422, "Validation failed: File can't be blank")
        }
        let description = form.fields["description"].map { String(decoding: $0.data, as: UTF8.self) }
        if let description, description.count > 1500 {
            return error(422, "Validation failed: Description is too long (maximum is 1500 characters)")
        }
        guard file.contentType?.hasPrefix("image/") == true, file.data.starts(with: [0x89, 0x50, 0x4E, 0x47]) || file.data.starts(with: [0xFF, 0xD8, 0xFF]) else {
            return error(422, "File type of uploaded media could not be verified")
        }
        let media = state.withLock { state in
            let media = Media(
                id: String(state.nextID), description: description, filename: filename, contentType: file.contentType ?? "",
                size: file.data.count, pollsLeft: processingPolls)
            state.nextID += 1
            state.media[media.id] = media
            return media
        }
        return .init(status: processingPolls > 0 ? 202 : 200, body: Self.json(media, processed: processingPolls == 0))
    }

    private func showMedia(_ id: String) -> LoopbackReceiver.Answer {
        state.withLock { state in
            guard var media = state.media[id], !media.attached else { return error(404, "Record not found") }
            if media.pollsLeft > 0 { media.pollsLeft -= 1 }
            state.media[id] = media
            // The poll that finds it done is already 200, as Mastodon's `not_processed?` turns false.
            return .init(status: media.pollsLeft > 0 ? 206 : 200, body: Self.json(media, processed: media.pollsLeft == 0))
        }
    }

    private func post(_ request: LoopbackReceiver.Received) -> LoopbackReceiver.Answer {
        guard request.header("content-type")?.hasPrefix("application/json") == true, let body = request.json else {
            return error(400, "Unsupported content type")
        }
        let key = request.header("idempotency-key")
        if let key, let existing = state.withLock({ state in state.keys[key].flatMap { state.statuses[$0] }.map { Self.json($0, state.media) } }) {
            return .init(body: existing)
        }
        let text = body["status"] as? String ?? ""
        let mediaIDs = body["media_ids"] as? [String] ?? []
        if let problem = validate(text: text, mediaIDs: mediaIDs) { return problem }
        let visibility = body["visibility"] as? String ?? "public"
        guard ["public", "unlisted", "private", "direct"].contains(visibility) else {
            return error(422, "Validation failed: Visibility is not included in the list")
        }
        return state.withLock { state in
            let replyTo = body["in_reply_to_id"] as? String
            if let replyTo, state.statuses[replyTo] == nil { return error(404, "Record not found") }
            let status = Status(
                id: String(state.nextID), text: text, inReplyTo: replyTo, mediaIDs: mediaIDs, visibility: visibility,
                language: body["language"] as? String)
            state.nextID += 1
            state.statuses[status.id] = status
            state.order.append(status.id)
            for id in mediaIDs { state.media[id]?.attached = true }
            if let key { state.keys[key] = status.id }
            return .init(body: Self.json(status, state.media))
        }
    }

    private func edit(_ id: String, _ request: LoopbackReceiver.Received) -> LoopbackReceiver.Answer {
        guard let body = request.json else { return error(400, "Unsupported content type") }
        let text = body["status"] as? String ?? ""
        let mediaIDs = body["media_ids"] as? [String]
        if let problem = validate(text: text, mediaIDs: mediaIDs ?? []) { return problem }
        return state.withLock { state in
            guard var status = state.statuses[id] else { return error(404, "Record not found") }
            status.text = text
            if let mediaIDs { status.mediaIDs = mediaIDs }
            status.edits += 1
            state.statuses[id] = status
            return .init(body: Self.json(status, state.media))
        }
    }

    private func delete(_ id: String) -> LoopbackReceiver.Answer {
        state.withLock { state in
            guard let status = state.statuses.removeValue(forKey: id) else { return error(404, "Record not found") }
            state.order.removeAll { $0 == id }
            state.deleted.append(id)
            return .init(body: Self.json(status, state.media))
        }
    }

    private func validate(text: String, mediaIDs: [String]) -> LoopbackReceiver.Answer? {
        if text.isEmpty, mediaIDs.isEmpty { return error(422, "Validation failed: Text can't be blank") }
        if Self.length(text) > maxCharacters {
            return error(422, "Validation failed: Text character limit of \(maxCharacters) exceeded")
        }
        if mediaIDs.count > 4 { return error(422, "Cannot attach more than 4 files") }
        return state.withLock { state in
            for id in mediaIDs {
                guard let media = state.media[id] else { return error(422, "Validation failed: \(id) not found") }
                if media.pollsLeft > 0 { return error(422, "Cannot attach files that have not finished processing. Try again in a moment!") }
            }
            return nil
        }
    }

    private func error(_ status: Int, _ message: String) -> LoopbackReceiver.Answer {
        .init(status: status, body: JSONSerialization.string(["error": message]))
    }

    /// Called with the state locked: `media` is what the state holds.
    private static func json(_ status: Status, _ media: [String: Media]) -> String {
        let media = status.mediaIDs.compactMap { media[$0] }
        return JSONSerialization.string([
            "id": status.id, "created_at": "2026-06-19T07:00:00.000Z", "in_reply_to_id": status.inReplyTo ?? NSNull(),
            "sensitive": false, "spoiler_text": "", "visibility": status.visibility, "language": status.language ?? NSNull(),
            "uri": "https://mastodon.example/users/region/statuses/\(status.id)", "url": "https://mastodon.example/@region/\(status.id)",
            "edited_at": status.edits > 0 ? "2026-06-19T08:00:00.000Z" : NSNull(), "content": "<p>\(status.text)</p>",
            "media_attachments": media.map { Self.object($0, processed: true) },
            "account": ["id": "1", "username": "region", "acct": "region"],
        ])
    }

    private static func object(_ media: Media, processed: Bool) -> [String: Any] {
        [
            "id": media.id, "type": "image", "url": processed ? "https://files.mastodon.example/\(media.id).png" : NSNull(),
            "preview_url": "https://files.mastodon.example/\(media.id)-small.png", "remote_url": NSNull(),
            "description": media.description ?? NSNull(), "blurhash": "UFOU5?00~q?b",
        ]
    }

    private static func json(_ media: Media, processed: Bool) -> String {
        JSONSerialization.string(object(media, processed: processed))
    }
}
