import CurlHTTP
import TrobadorCore

/// The request for one message on a Discord webhook, built the same way for `deliver` and
/// `preview`: where it goes (execute, edit or delete), the rendered `content`, and the
/// images as `files[n]` with their alt text as the attachment's `description`.
struct DiscordRequest {
    /// Execute, edit or delete: method and URL for a message.
    struct Target {
        var method: String
        var url: String
        var purpose: String
    }

    /// Discord's limits for attachments, documented on "Uploading Files" and the message
    /// resource: 10 files per message, a `description` of 1024 characters at most, and the
    /// image formats its clients show inline.
    static let maxFiles = 10
    static let maxDescription = 1024
    static let imageTypes: Set<String> = ["image/png", "image/jpeg", "image/gif", "image/webp"]

    /// Where the message goes, or why it cannot be edited or deleted.
    static func target(for message: OutboundMessage, webhookURL: String, threadID: String?) -> Result<Target, DeliveryProblem> {
        let thread = threadID.map { "thread_id=" + $0 }
        switch message.action {
        case .publish:
            // `wait=true` makes Discord answer with the created message, whose id later edits need.
            let query = "?wait=true" + (thread.map { "&" + $0 } ?? "")
            return .success(Target(method: "POST", url: webhookURL + query, purpose: "execute the webhook: POST the message, ?wait=true returns its id"))
        case .update, .retract:
            guard let id = message.previousReceipt?.remoteID, !id.isEmpty else {
                let verb = message.action == .update ? "edited" : "deleted"
                return .failure(DeliveryProblem(
                    "no Discord message id was recorded for this post on this channel, so it cannot be \(verb); \(verb == "edited" ? "edit" : "delete") it by hand in Discord"))
            }
            let url = webhookURL + "/messages/" + id + (thread.map { "?" + $0 } ?? "")
            return message.action == .update
                ? .success(Target(method: "PATCH", url: url, purpose: "edit message \(id), its images replaced by this version's"))
                : .success(Target(method: "DELETE", url: url, purpose: "delete message \(id)"))
        }
    }

    /// Why these images cannot go to Discord, before anything is sent.
    static func problem(with media: [StoredMedia], maxFileSize: Int) -> DeliveryProblem? {
        if media.count > maxFiles {
            return DeliveryProblem("the post has \(media.count) images; a Discord message takes at most \(maxFiles)")
        }
        for file in media {
            if !imageTypes.contains(file.contentType) {
                return DeliveryProblem("\(file.name) is \(file.contentType); Discord shows PNG, JPEG, GIF and WebP images inline")
            }
            if file.size > maxFileSize {
                return DeliveryProblem(
                    "\(file.name) is \(DeliveryProblem.size(file.size)); this Discord channel takes images up to \(DeliveryProblem.size(maxFileSize)) (`max_file_mib`): send a smaller image")
            }
            if let alt = file.alt, alt.unicodeScalars.count > maxDescription {
                return DeliveryProblem(
                    "the alt text of \(file.name) has \(alt.unicodeScalars.count) characters; Discord takes \(maxDescription) at most: shorten it")
            }
        }
        return nil
    }

    /// The HTTP request: JSON when there is no image, else `multipart/form-data` with the
    /// JSON as `payload_json` and each image as `files[n]`. `media` without bytes (preview)
    /// shows a placeholder in place of the file.
    static func request(
        _ target: Target, action: PostAction, content: String, media: [StoredMedia], timeout: Duration
    ) -> HTTPRequest {
        var headers: [(name: String, value: String)] = [("User-Agent", "trobador")]
        guard action != .retract else {
            return HTTPRequest(method: target.method, url: target.url, headers: headers, timeout: timeout)
        }
        var fields: [(String, JSONValue)] = [
            ("content", .string(content)),
            // A post never pings: `@everyone`, `@here` and `<@id>` in a text stay plain text.
            ("allowed_mentions", .object([("parse", .array([]))])),
        ]
        // An edit lists every attachment the message keeps: this version's images replace the old ones.
        if !media.isEmpty || action == .update {
            fields.append(("attachments", .array(media.enumerated().map { index, file in
                .object(dropping: [
                    ("id", .integer(index)), ("filename", .string(file.name)),
                    ("description", file.alt.map(JSONValue.string)),
                ])
            })))
        }
        let json = JSONValue.object(fields)
        guard !media.isEmpty else {
            headers.insert(("Content-Type", "application/json"), at: 0)
            return HTTPRequest(method: target.method, url: target.url, headers: headers, body: json.bytes, timeout: timeout)
        }
        var form = MultipartFormBody()
        repeat {
            form = MultipartFormBody()
            form.addField("payload_json", json.serialized, contentType: "application/json")
            for (index, file) in media.enumerated() {
                let data = file.data ?? Array("{\(file.size) bytes of \(file.contentType), \(file.name)}".utf8)
                form.addFile("files[\(index)]", filename: file.name, contentType: file.contentType, data: data)
            }
        } while form.boundaryCollides
        headers.insert(("Content-Type", form.contentType), at: 0)
        return HTTPRequest(method: target.method, url: target.url, headers: headers, body: form.bytes, timeout: timeout)
    }
}
