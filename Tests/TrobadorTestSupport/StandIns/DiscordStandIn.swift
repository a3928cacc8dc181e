import Foundation

/// Discord's webhook endpoints on loopback, checking requests as Discord does and answering
/// with its shapes: `POST /api/webhooks/{id}/{token}?wait=true` (JSON, or multipart with
/// `payload_json` and `files[n]`), `PATCH` and `DELETE …/messages/{id}`; the message object
/// on success; `{"message": …, "code": …}` errors, field errors under `errors`, 2000 code
/// points and 10 MiB per file; `X-RateLimit-*` headers and 429 with `retry_after`.
public final class DiscordStandIn: Sendable {
    public static let webhookID = "1180000000000000001"
    public static let token = "Kq3vX9-secretWebhookToken_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH"
    public static let channelID = "1100000000000000000"
    public static let guildID = "1000000000000000001"
    public static let threadID = "1100000000000000777"

    public struct Message: Sendable {
        public var id: String
        public var channelID: String
        public var content: String
        public var attachments: [(filename: String, description: String?, size: Int)]
    }

    /// A bucket of `limit` requests per `window`, as Discord announces in its headers.
    public struct Bucket: Sendable {
        public var limit: Int
        public var window: Duration
        public var remaining: Int
        public var resetsAt: ContinuousClock.Instant
        /// Whether requests that find it empty get a 429 (they always do on Discord).
        public var enforced = true

        public init(limit: Int, window: Duration, remaining: Int, resetsAt: ContinuousClock.Instant, enforced: Bool = true) {
            self.limit = limit
            self.window = window
            self.remaining = remaining
            self.resetsAt = resetsAt
            self.enforced = enforced
        }
    }

    public struct State: Sendable {
        public var messages: [String: Message] = [:]
        public var nextID = 1_180_000_000_000_000_100
        public var bucket: Bucket?
        public var scripted: [LoopbackReceiver.Answer] = []
        public var rateLimited = 0
        public var inGuild = true
    }

    public let state = Locked(State())
    public let receiver: LoopbackReceiver

    public init() async throws {
        let state = self.state
        receiver = try await LoopbackReceiver { request, _ in Self.answer(request, state: state) }
    }

    public var url: String { receiver.url + "/api/webhooks/\(Self.webhookID)/\(Self.token)" }

    public func stop() async { await receiver.stop() }

    public static func answer(_ request: LoopbackReceiver.Received, state: Locked<State>) -> LoopbackReceiver.Answer {
        if let scripted = state.withLock({ $0.scripted.isEmpty ? nil : $0.scripted.removeFirst() }) { return scripted }
        let segments = request.path.split(separator: "/").map(String.init)
        guard segments.count >= 4, segments[0] == "api", segments[1] == "webhooks" else {
            return StandInJSON.answer(["message": "404: Not Found", "code": 0], status: 404)
        }
        guard segments[2] == webhookID else { return StandInJSON.answer(["message": "Unknown Webhook", "code": 10015], status: 404) }
        guard segments[3] == token else { return StandInJSON.answer(["message": "Invalid Webhook Token", "code": 50027], status: 401) }
        var limitHeaders: [String: String] = [:]
        if let refused = rateLimit(state, headers: &limitHeaders) { return refused }
        if let thread = request.query["thread_id"], thread != threadID {
            return StandInJSON.answer(["message": "Unknown Channel", "code": 10003], status: 400, headers: limitHeaders)
        }
        let messageID = segments.count == 6 && segments[4] == "messages" ? segments[5] : nil
        switch (request.method, messageID) {
        case ("POST", nil):
            // Without wait=true Discord answers 204 and never says what it created.
            guard request.query["wait"] == "true" else { return .init(status: 204, headers: limitHeaders, body: "") }
            return write(request, existing: nil, state: state, headers: limitHeaders)
        case ("PATCH", let id?):
            guard let existing = state.withLock({ $0.messages[id] }) else {
                return StandInJSON.answer(["message": "Unknown Message", "code": 10008], status: 404, headers: limitHeaders)
            }
            return write(request, existing: existing, state: state, headers: limitHeaders)
        case ("DELETE", let id?):
            guard state.withLock({ $0.messages.removeValue(forKey: id) }) != nil else {
                return StandInJSON.answer(["message": "Unknown Message", "code": 10008], status: 404, headers: limitHeaders)
            }
            return .init(status: 204, headers: limitHeaders, body: "")
        default:
            return StandInJSON.answer(["message": "405: Method Not Allowed", "code": 0], status: 405)
        }
    }

    /// Creates or edits a message from a JSON or multipart body, with Discord's checks.
    private static func write(
        _ request: LoopbackReceiver.Received, existing: Message?, state: Locked<State>, headers: [String: String]
    ) -> LoopbackReceiver.Answer {
        let type = request.header("content-type") ?? ""
        var payload: [String: Any]?
        var files: [String: FormPart] = [:]
        if type.hasPrefix("application/json") {
            payload = StandInJSON.object(request.body)
        } else if let parts = FormPart.parse(request.body, contentType: type) {
            payload = parts.first { $0.name == "payload_json" }.flatMap { StandInJSON.object($0.content) }
            for part in parts where part.name.hasPrefix("files[") { files[part.name] = part }
        }
        guard let payload else {
            return StandInJSON.answer(["message": "The request body contains invalid JSON.", "code": 50109], status: 400, headers: headers)
        }
        var fieldErrors: [String: Any] = [:]
        let content = payload["content"] as? String ?? existing?.content ?? ""
        if content.unicodeScalars.count > 2000 {
            fieldErrors["content"] = ["_errors": [["code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."]]]
        }
        var attachments = existing?.attachments ?? []
        if let listed = payload["attachments"] as? [[String: Any]] {
            attachments = []
            for (index, entry) in listed.enumerated() {
                let id = (entry["id"] as? NSNumber)?.intValue ?? -1
                guard let file = files["files[\(id)]"] else {
                    fieldErrors["attachments"] = [String(index): ["_errors": [["code": "ATTACHMENT_NOT_FOUND", "message": "Attachment data not found"]]]]
                    continue
                }
                let description = entry["description"] as? String
                if (description?.unicodeScalars.count ?? 0) > 1024 {
                    fieldErrors["attachments"] = [String(index): ["description": ["_errors": [["code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 1024 or fewer in length."]]]]]
                }
                if file.content.count > 10 << 20 {
                    return StandInJSON.answer(["message": "Request entity too large", "code": 40005], status: 413, headers: headers)
                }
                attachments.append((file.filename ?? "file", description, file.content.count))
            }
        }
        if !fieldErrors.isEmpty {
            return StandInJSON.answer(["message": "Invalid Form Body", "code": 50035, "errors": fieldErrors], status: 400, headers: headers)
        }
        if content.isEmpty, attachments.isEmpty {
            return StandInJSON.answer(["message": "Cannot send an empty message", "code": 50006], status: 400, headers: headers)
        }
        let message = state.withLock { state -> (Message, Bool) in
            var message = existing ?? Message(id: String(state.nextID), channelID: request.query["thread_id"] ?? channelID, content: "", attachments: [])
            if existing == nil { state.nextID += 1 }
            message.content = content
            message.attachments = attachments
            state.messages[message.id] = message
            return (message, state.inGuild)
        }
        return StandInJSON.answer(object(message.0, inGuild: message.1), headers: headers)
    }

    public static func object(_ message: Message, inGuild: Bool) -> [String: Any] {
        var object: [String: Any] = [
            "id": message.id, "type": 0, "content": message.content, "channel_id": message.channelID,
            "author": ["id": webhookID, "username": "Région Occitanie", "bot": true], "webhook_id": webhookID,
            "timestamp": "2026-06-19T07:00:00.000000+00:00", "mentions": [], "mention_everyone": false,
            "attachments": message.attachments.enumerated().map { index, file in
                [
                    "id": String(1_190_000_000_000_000_000 + index), "filename": file.filename, "size": file.size,
                    "description": file.description as Any, "content_type": "image/png",
                    "url": "https://cdn.discordapp.com/attachments/\(message.channelID)/\(index)/\(file.filename)",
                ] as [String: Any]
            },
        ]
        if inGuild { object["guild_id"] = guildID }
        return object
    }

    /// Counts the request against the bucket; a 429 when it is empty and enforced.
    private static func rateLimit(_ state: Locked<State>, headers: inout [String: String]) -> LoopbackReceiver.Answer? {
        let now = ContinuousClock.now
        return state.withLock { state -> LoopbackReceiver.Answer? in
            guard var bucket = state.bucket else { return nil }
            if now >= bucket.resetsAt {
                bucket.remaining = bucket.limit
                bucket.resetsAt = now + bucket.window
            }
            let resetAfter = Double((bucket.resetsAt - now).components.attoseconds / 1_000_000_000_000_000) / 1000
                + Double((bucket.resetsAt - now).components.seconds)
            let seconds = String(format: "%.3f", resetAfter)
            headers = ["X-RateLimit-Limit": String(bucket.limit), "X-RateLimit-Reset-After": seconds, "X-RateLimit-Bucket": "b1e5c0ffee"]
            if bucket.remaining == 0, bucket.enforced {
                state.rateLimited += 1
                state.bucket = bucket
                headers["X-RateLimit-Remaining"] = "0"
                headers["Retry-After"] = String(Int(resetAfter.rounded(.up)))
                headers["X-RateLimit-Scope"] = "user"
                return StandInJSON.answer(
                    ["message": "You are being rate limited.", "retry_after": (resetAfter * 1000).rounded() / 1000, "global": false],
                    status: 429, headers: headers)
            }
            bucket.remaining = max(0, bucket.remaining - 1)
            headers["X-RateLimit-Remaining"] = String(bucket.remaining)
            state.bucket = bucket
            return nil
        }
    }
}
