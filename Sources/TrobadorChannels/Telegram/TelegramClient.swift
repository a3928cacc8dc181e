import CurlHTTP
import TrobadorCore

/// Builds Bot API calls and performs them. The bot token is part of every URL
/// (`{url}/bot<token>/<method>`), so this type never puts a URL in a reason: answers are
/// explained in Telegram's words, and anything else is scrubbed of the token.
struct TelegramClient: Sendable {
    var base: String
    var token: String
    var timeout: Duration
    var http: any HTTPClient

    func url(_ method: String) -> String { base + "/bot" + token + "/" + method }

    func call(_ method: String, json: JSONValue) -> HTTPRequest {
        HTTPRequest(
            method: "POST", url: url(method),
            headers: [("Content-Type", "application/json"), ("User-Agent", "trobador")], body: json.bytes, timeout: timeout)
    }

    func call(_ method: String, form: MultipartFormBody) -> HTTPRequest {
        HTTPRequest(
            method: "POST", url: url(method),
            headers: [("Content-Type", form.contentType), ("User-Agent", "trobador")], body: form.bytes, timeout: timeout)
    }

    func perform(_ request: HTTPRequest, harmless: String?) async -> TelegramAnswer {
        let result = await http.exchange(request)
        return TelegramAnswer.read(result, harmless: harmless, hiding: token)
    }

    /// The request for one step. `reference` names an earlier message of the thread: its id
    /// once sent, or a placeholder in a preview. `media` holds the post's media (with their
    /// bytes when sending).
    func request(
        for action: TelegramPlan.Action, chat: TelegramChat, media: [StoredMedia], reference: (Int) -> JSONValue
    ) -> HTTPRequest? {
        switch action {
        case .sendText(let html, let preview, let replyTo):
            return call("sendMessage", json: .object(dropping: [
                ("chat_id", chat.json),
                ("text", .string(html)),
                ("parse_mode", "HTML"),
                ("link_preview_options", preview.json),
                ("reply_parameters", replyTo.map { Self.replyParameters(reference($0)) }),
            ]))
        case .sendMedia(let index, let caption, let replyTo):
            guard index < media.count, let kind = TelegramMediaKind(media[index].contentType) else { return nil }
            let item = media[index]
            // A file's bytes cannot hold their own digest: a safe boundary.
            var form = MultipartFormBody(boundary: "trobador-" + item.sha256.prefix(40))
            form.addField("chat_id", chat.formValue)
            if let caption, !caption.isEmpty { form.addField("caption", caption) }
            if let replyTo { form.addField("reply_parameters", Self.replyParameters(reference(replyTo)).serialized) }
            form.addFile(kind.field, filename: item.name, contentType: item.contentType, data: item.data ?? [])
            return call(kind.method, form: form)
        case .editText(let messageID, let html, let preview):
            return call("editMessageText", json: .object(dropping: [
                ("chat_id", chat.json),
                ("message_id", Self.messageID(messageID)),
                ("text", .string(html)),
                ("parse_mode", "HTML"),
                ("link_preview_options", preview.json),
            ]))
        case .editCaption(let messageID, let caption):
            // Without a caption, Telegram removes the one the image had.
            return call("editMessageCaption", json: .object(dropping: [
                ("chat_id", chat.json),
                ("message_id", Self.messageID(messageID)),
                ("caption", caption.flatMap { $0.isEmpty ? nil : .string($0) }),
            ]))
        case .delete(let messageID):
            return call("deleteMessage", json: .object([("chat_id", chat.json), ("message_id", Self.messageID(messageID))]))
        case .keep:
            return nil
        }
    }

    /// Replies stay in the thread even if the message replied to was deleted meanwhile.
    static func replyParameters(_ messageID: JSONValue) -> JSONValue {
        .object([("message_id", messageID), ("allow_sending_without_reply", true)])
    }

    /// Message ids are integers; a preview's placeholder stays text.
    static func messageID(_ id: String) -> JSONValue {
        Int(id).map(JSONValue.integer) ?? .string(id)
    }
}

/// How an image goes to Telegram: `sendPhoto` for still images, which Telegram re-encodes,
/// `sendAnimation` for a GIF, which `sendPhoto` would flatten to its first frame.
enum TelegramMediaKind: Sendable {
    case photo
    case animation

    init?(_ contentType: String) {
        switch contentType {
        case "image/jpeg", "image/png", "image/webp": self = .photo
        case "image/gif": self = .animation
        default: return nil
        }
    }

    var method: String { self == .photo ? "sendPhoto" : "sendAnimation" }
    var field: String { self == .photo ? "photo" : "animation" }
    var maxBytes: Int { self == .photo ? TelegramLimits.photoBytes : TelegramLimits.fileBytes }
}

extension TelegramLinkPreview {
    /// `link_preview_options`, or nil to leave Telegram's default.
    var json: JSONValue? {
        switch self {
        case .url(let url): .object([("url", .string(url))])
        case .automatic: nil
        case .disabled: .object([("is_disabled", true)])
        }
    }
}
