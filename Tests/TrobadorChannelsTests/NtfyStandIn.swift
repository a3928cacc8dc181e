import Foundation
import TrobadorTestSupport

/// An ntfy 2.16 server on loopback, reading a publish as ntfy's `handlePublishBody` does:
/// with a `Filename` the body is the attachment and the text comes from the `Message`
/// header (`\n` unescaped, RFC 2047 decoded); otherwise a body under 4,096 bytes of UTF-8 is
/// the message and anything else an attachment. Parameters by their header aliases;
/// `/<topic>/<sequence_id>` updates, `DELETE` deletes; JSON errors
/// `{"code": 40301, "http": 403, "error": "forbidden"}`. `olderThan216` answers as ntfy
/// before sequence ids did: 404 for those paths.
final class NtfyStandIn: Sendable {
    static let topic = "occitanie-actus-Xk29fQ"
    static let token = "tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2"

    struct Notification: Sendable {
        var id: String
        var sequenceID: String
        var title: String?
        var message: String
        var tags: [String]
        var click: String?
        var markdown: Bool
        var attachment: (name: String, size: Int)?
        var deleted = false
    }

    struct State: Sendable {
        var notifications: [Notification] = []
        var requireToken = true
        var attachmentsAllowed = true
        var olderThan216 = false
        var scripted: [LoopbackReceiver.Answer] = []
        var nextID = 1
    }

    let state = Locked(State())
    let receiver: LoopbackReceiver

    init() async throws {
        let state = self.state
        receiver = try await LoopbackReceiver { request, _ in Self.answer(request, state: state) }
    }

    var url: String { receiver.url }

    func stop() async { await receiver.stop() }

    static func error(_ code: Int, _ text: String) -> LoopbackReceiver.Answer {
        HookFixtures.jsonAnswer(["code": code, "http": code / 100, "error": text, "link": "https://ntfy.sh/docs/"], status: code / 100)
    }

    static func parameter(_ request: LoopbackReceiver.Received, _ names: String...) -> String? {
        names.lazy.compactMap { request.header($0) ?? request.query[$0] }.first
    }

    static func answer(_ request: LoopbackReceiver.Received, state: Locked<State>) -> LoopbackReceiver.Answer {
        if let scripted = state.withLock({ $0.scripted.isEmpty ? nil : $0.scripted.removeFirst() }) { return scripted }
        let segments = request.path.split(separator: "/").map(String.init)
        let (requireToken, allowAttachments, older) = state.withLock { ($0.requireToken, $0.attachmentsAllowed, $0.olderThan216) }
        guard (1...2).contains(segments.count), !(older && segments.count == 2),
              segments[0].range(of: "^[-_A-Za-z0-9]{1,64}$", options: .regularExpression) != nil else {
            return error(40401, "page not found")
        }
        if let authorization = request.header("authorization") {
            guard authorization == "Bearer " + token else { return error(40101, "unauthorized") }
        } else if requireToken {
            return error(40301, "forbidden")
        }
        let sequenceID = segments.count == 2 ? segments[1] : parameter(request, "x-sequence-id", "sequence-id", "sid")
        if request.method == "DELETE" {
            guard let sequenceID else { return error(40001, "invalid request") }
            let id = state.withLock { state -> String in
                for index in state.notifications.indices where state.notifications[index].sequenceID == sequenceID {
                    state.notifications[index].deleted = true
                }
                state.nextID += 1
                return "del\(state.nextID)"
            }
            return HookFixtures.jsonAnswer(["id": id, "time": 1_782_000_000, "event": "message_delete", "topic": segments[0], "sequence_id": sequenceID])
        }
        guard request.method == "POST" || request.method == "PUT" else { return error(40401, "page not found") }

        let filename = parameter(request, "x-filename", "filename", "file", "f")
        var message = parameter(request, "x-message", "message", "m").map { decode($0.replacingOccurrences(of: "\\n", with: "\n")) } ?? ""
        var attachment: (name: String, size: Int)?
        if let filename {
            guard allowAttachments else { return error(40014, "invalid request: attachments not allowed") }
            if request.body.count > 15 << 20 { return error(41301, "invalid request: attachment too large, or bandwidth limit reached") }
            attachment = (decode(filename), request.body.count)
        } else if request.body.count < 4096, let text = String(data: request.body, encoding: .utf8) {
            if !text.isEmpty { message = text.trimmingCharacters(in: .whitespacesAndNewlines) }
        } else {
            guard allowAttachments else { return error(40014, "invalid request: attachments not allowed") }
            attachment = ("attachment.txt", request.body.count)
        }
        if message.isEmpty { message = attachment.map { "You received a file: \($0.name)" } ?? "triggered" }
        let markdown = ["yes", "true", "1"].contains(parameter(request, "x-markdown", "markdown", "md")?.lowercased() ?? "")
        let tags = parameter(request, "x-tags", "tags", "tag", "ta")?.split(separator: ",").map { decode($0.trimmingCharacters(in: .whitespaces)) } ?? []
        let notification = state.withLock { state -> Notification in
            state.nextID += 1
            let id = "msg\(state.nextID)AbCd"
            let notification = Notification(
                id: id, sequenceID: sequenceID ?? id, title: parameter(request, "x-title", "title", "t").map(decode), message: message,
                tags: tags, click: parameter(request, "x-click", "click"), markdown: markdown, attachment: attachment)
            state.notifications.append(notification)
            return notification
        }
        var object: [String: Any] = [
            "id": notification.id, "time": 1_782_000_000, "expires": 1_782_043_200, "event": "message", "topic": segments[0],
            "message": notification.message,
        ]
        if sequenceID != nil { object["sequence_id"] = notification.sequenceID }
        if let title = notification.title { object["title"] = title }
        if !tags.isEmpty { object["tags"] = tags }
        if let click = notification.click { object["click"] = click }
        if markdown { object["content_type"] = "text/markdown" }
        if let attachment {
            object["attachment"] = [
                "name": attachment.name, "type": "image/png", "size": attachment.size, "expires": 1_782_010_800,
                "url": "\(request.header("host").map { "http://" + $0 } ?? "")/file/\(notification.id).png",
            ] as [String: Any]
        }
        return HookFixtures.jsonAnswer(object)
    }

    /// RFC 2047 as Go's `mime.WordDecoder.DecodeHeader` (which ntfy uses) reads a value made
    /// of encoded words: each decoded, the spaces between them dropped. Any other value is
    /// returned as it is.
    static func decode(_ value: String) -> String {
        let words = value.split(separator: " ")
        guard value.contains("=?"), !words.isEmpty else { return value }
        var bytes: [UInt8] = []
        for word in words {
            let pieces = word.split(separator: "?", omittingEmptySubsequences: false)
            guard word.hasPrefix("=?"), word.hasSuffix("?="), pieces.count == 5, pieces[1].uppercased() == "UTF-8" else { return value }
            let text = Array(pieces[3].utf8)
            switch pieces[2].uppercased() {
            case "B":
                guard let data = Data(base64Encoded: Data(text)) else { return value }
                bytes += Array(data)
            case "Q":
                var index = 0
                while index < text.count {
                    if text[index] == UInt8(ascii: "_") {
                        bytes.append(0x20)
                    } else if text[index] == UInt8(ascii: "="), index + 2 < text.count,
                              let byte = UInt8(String(decoding: text[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                        bytes.append(byte)
                        index += 2
                    } else {
                        bytes.append(text[index])
                    }
                    index += 1
                }
            default: return value
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
