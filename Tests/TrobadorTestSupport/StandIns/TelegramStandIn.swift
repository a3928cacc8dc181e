import Foundation

/// The Telegram Bot API on a loopback port. It checks every call the way api.telegram.org
/// does (token in the path, chat, HTML entities, lengths counted in UTF-16 after parsing,
/// replies, edits that change nothing, deletions) and answers in its shapes:
/// `{"ok":true,"result":{...}}` or `{"ok":false,"error_code":400,"description":"Bad Request: ..."}`.
public final class TelegramStandIn: Sendable {
    public static let token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    public static let chatID: Int64 = -1001234567890
    public static let username = "region_occitanie"

    /// A message in the chat, as Telegram keeps it.
    public struct Message: Sendable {
        public enum Kind: Sendable { case text, photo, animation }
        public var id: Int
        public var kind: Kind
        /// The HTML sent for a text message; the caption of an image.
        public var text: String
        public var replyTo: Int?
        public var fileName: String?
        public var deleted = false
    }

    /// One call: the method, its parameters (JSON values, or form fields as text), and the
    /// uploaded file if any.
    public struct Call: Sendable {
        public var method: String
        public var contentType: String
        public var parameters: [String: String]
        public var file: (name: String, filename: String, contentType: String, size: Int)?

        /// A JSON parameter read back as JSON (`reply_parameters`, `link_preview_options`).
        public func object(_ name: String) -> [String: Any]? {
            parameters[name].flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
    }

    private let state = Locked<(messages: [Message], calls: [Call])>(([], []))
    public let receiver: LoopbackReceiver

    /// `script` may answer a call instead of the stand-in (a 429, a 500...), by call number.
    public init(script: @escaping @Sendable (Call, Int) -> LoopbackReceiver.Answer? = { _, _ in nil }) async throws {
        let state = self.state
        receiver = try await LoopbackReceiver { received, _ in
            guard let (token, method) = Self.route(received.path) else { return Self.error(404, "Not Found") }
            guard token == Self.token else { return Self.error(401, "Unauthorized") }
            let call = Self.call(method: method, received)
            let index = state.withLock { box in
                box.calls.append(call)
                return box.calls.count - 1
            }
            if let scripted = script(call, index) { return scripted }
            return state.withLock { box in Self.answer(call, messages: &box.messages) }
        }
    }

    public var url: String { receiver.url }
    public var messages: [Message] { state.withLock { $0.messages } }
    public var calls: [Call] { state.withLock { $0.calls } }
    public var visible: [Message] { messages.filter { !$0.deleted } }

    public func delete(_ id: Int) {
        state.withLock { box in
            if let index = box.messages.firstIndex(where: { $0.id == id }) { box.messages[index].deleted = true }
        }
    }

    public func stop() async { await receiver.stop() }

    // MARK: reading a call

    public static func route(_ path: String) -> (token: String, method: String)? {
        let pieces = path.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 3, pieces[0].isEmpty, pieces[1].hasPrefix("bot") else { return nil }
        return (String(pieces[1].dropFirst(3)).removingPercentEncoding ?? "", String(pieces[2]))
    }

    public static func call(method: String, _ received: LoopbackReceiver.Received) -> Call {
        let contentType = received.header("content-type") ?? ""
        var call = Call(method: method, contentType: contentType, parameters: [:])
        if contentType.hasPrefix("application/json") {
            let object = (try? JSONSerialization.jsonObject(with: received.body)) as? [String: Any] ?? [:]
            for (key, value) in object {
                if let text = value as? String {
                    call.parameters[key] = text
                } else if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) {
                    call.parameters[key] = String(decoding: data, as: UTF8.self)
                }
            }
        } else if contentType.hasPrefix("multipart/form-data"), let boundary = contentType.components(separatedBy: "boundary=").last {
            for part in TelegramFormReader.parts(of: received.body, boundary: boundary) {
                if let filename = part.filename {
                    call.file = (part.name, filename, part.contentType ?? "", part.data.count)
                } else {
                    call.parameters[part.name] = String(decoding: part.data, as: UTF8.self)
                }
            }
        }
        return call
    }

    // MARK: answering as Telegram

    public static func answer(_ call: Call, messages: inout [Message]) -> LoopbackReceiver.Answer {
        guard call.contentType.hasPrefix("application/json") || call.contentType.hasPrefix("multipart/form-data") else {
            return error(400, "Bad Request: unsupported content type")
        }
        let chat = call.parameters["chat_id"]
        guard chat == String(chatID) || chat == "@" + username else { return error(400, "Bad Request: chat not found") }
        func find(_ key: String = "message_id") -> Int? {
            guard let id = call.parameters[key].flatMap(Int.init) else { return nil }
            return messages.firstIndex { $0.id == id && !$0.deleted }
        }
        switch call.method {
        case "sendMessage":
            let text = call.parameters["text"] ?? ""
            if let problem = checkText(text, parseMode: call.parameters["parse_mode"], limit: 4096, tooLong: "message is too long") {
                return problem
            }
            if let problem = checkReply(call, messages) { return problem }
            let message = Message(id: 100 + messages.count, kind: .text, text: text, replyTo: replyID(call))
            messages.append(message)
            return ok(message)
        case "sendPhoto", "sendAnimation":
            let field = call.method == "sendPhoto" ? "photo" : "animation"
            guard let file = call.file, file.name == field, file.size > 0 else {
                return error(400, "Bad Request: there is no \(field) in the request")
            }
            if file.size > (field == "photo" ? 10 : 50) * 1_048_576 { return error(413, "Request Entity Too Large") }
            let caption = call.parameters["caption"] ?? ""
            if let problem = checkText(caption, parseMode: call.parameters["parse_mode"], limit: 1024, tooLong: "message caption is too long") {
                return problem
            }
            if let problem = checkReply(call, messages) { return problem }
            let message = Message(
                id: 100 + messages.count, kind: field == "photo" ? .photo : .animation, text: caption, replyTo: replyID(call),
                fileName: file.filename)
            messages.append(message)
            return ok(message)
        case "editMessageText", "editMessageCaption":
            let isText = call.method == "editMessageText"
            guard let index = find() else { return error(400, "Bad Request: message to edit not found") }
            guard (messages[index].kind == .text) == isText else {
                return error(400, isText ? "Bad Request: there is no text in the message to edit" : "Bad Request: there is no caption in the message to edit")
            }
            let text = call.parameters[isText ? "text" : "caption"] ?? ""
            if let problem = checkText(
                text, parseMode: call.parameters["parse_mode"], limit: isText ? 4096 : 1024,
                tooLong: isText ? "message is too long" : "message caption is too long")
            {
                return problem
            }
            guard text != messages[index].text else {
                return error(400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
            }
            messages[index].text = text
            return ok(messages[index])
        case "deleteMessage":
            guard let index = find() else { return error(400, "Bad Request: message to delete not found") }
            messages[index].deleted = true
            return LoopbackReceiver.Answer(body: #"{"ok":true,"result":true}"#)
        default:
            return error(404, "Not Found")
        }
    }

    /// Text and captions: not empty where required, HTML Telegram can parse, within the limit
    /// counted in UTF-16 units on the text without tags.
    public static func checkText(_ text: String, parseMode: String?, limit: Int, tooLong: String) -> LoopbackReceiver.Answer? {
        if tooLong == "message is too long", text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return error(400, "Bad Request: message text is empty")
        }
        var shown = text
        if parseMode == "HTML" {
            switch TelegramEntityParser.parse(text) {
            case .failure(let problem): return error(400, "Bad Request: can't parse entities: \(problem.message)")
            case .success(let plain): shown = plain
            }
        } else if parseMode != nil {
            return error(400, "Bad Request: unsupported parse_mode")
        }
        return shown.utf16.count > limit ? error(400, "Bad Request: \(tooLong)") : nil
    }

    public static func replyID(_ call: Call) -> Int? {
        (call.object("reply_parameters")?["message_id"] as? NSNumber)?.intValue
    }

    public static func checkReply(_ call: Call, _ messages: [Message]) -> LoopbackReceiver.Answer? {
        guard let reply = call.object("reply_parameters") else { return nil }
        guard let id = (reply["message_id"] as? NSNumber)?.intValue else { return error(400, "Bad Request: invalid reply parameters") }
        if messages.contains(where: { $0.id == id && !$0.deleted }) || reply["allow_sending_without_reply"] as? Bool == true { return nil }
        return error(400, "Bad Request: message to be replied not found")
    }

    public static func ok(_ message: Message) -> LoopbackReceiver.Answer {
        var result: [String: Any] = [
            "message_id": message.id, "date": 1_789_000_000,
            "chat": ["id": chatID, "title": "Région Occitanie", "username": username, "type": "channel"],
        ]
        if let reply = message.replyTo { result["reply_to_message"] = ["message_id": reply] }
        switch message.kind {
        case .text: result["text"] = (try? TelegramEntityParser.parse(message.text).get()) ?? message.text
        case .photo: result["photo"] = [["file_id": "AgACAgQAAx0", "file_unique_id": "AQAD", "width": 800, "height": 600]]
        case .animation: result["animation"] = ["file_id": "CgACAgQAAx0", "file_unique_id": "AQAE", "width": 480, "height": 480, "duration": 3]
        }
        if message.kind != .text, !message.text.isEmpty { result["caption"] = message.text }
        return json(200, ["ok": true, "result": result])
    }

    public static func error(_ code: Int, _ description: String, parameters: [String: Any]? = nil) -> LoopbackReceiver.Answer {
        var object: [String: Any] = ["ok": false, "error_code": code, "description": description]
        if let parameters { object["parameters"] = parameters }
        return json(code, object)
    }

    public static func json(_ status: Int, _ object: [String: Any]) -> LoopbackReceiver.Answer {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return LoopbackReceiver.Answer(status: status, body: String(decoding: data, as: UTF8.self))
    }
}
