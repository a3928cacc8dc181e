import CurlHTTP
import Foundation
import TrobadorCore

/// The request for one notification, built the same way for `deliver` and `preview`.
///
/// Without an image, the Markdown text is the body of a `POST /<topic>`. With one, the
/// image is the body of a `PUT` with `Filename` (ntfy takes one attachment per
/// notification) and the text travels in the `Message` header as RFC 2047 encoded words.
/// An update publishes again under the first notification's sequence id
/// (`/<topic>/<sequence_id>`); a deletion is `DELETE /<topic>/<sequence_id>`.
struct NtfyRequest {
    struct Target {
        var method: String
        var path: String
        var purpose: String
    }

    static func target(for message: OutboundMessage, hasImage: Bool) -> Result<Target, DeliveryProblem> {
        let method = hasImage ? "PUT" : "POST"
        switch message.action {
        case .publish:
            return .success(Target(method: method, path: "", purpose: "publish the notification"))
        case .update, .retract:
            guard let id = message.previousReceipt?.remoteID, !id.isEmpty else {
                return .failure(DeliveryProblem(
                    "no ntfy message id was recorded for this post on this channel, so its notification cannot be \(message.action == .update ? "updated" : "deleted")"))
            }
            return message.action == .update
                ? .success(Target(method: method, path: "/" + id, purpose: "update notification \(id) in place (sequence id; ntfy 2.16+)"))
                : .success(Target(method: "DELETE", path: "/" + id, purpose: "delete notification \(id) (sequence id; ntfy 2.16+)"))
        }
    }

    /// Why the image cannot be attached, before anything is sent.
    static func problem(with image: StoredMedia, maxFileSize: Int) -> DeliveryProblem? {
        if !image.contentType.hasPrefix("image/") {
            return DeliveryProblem("\(image.name) is \(image.contentType), not an image")
        }
        if image.size > maxFileSize {
            return DeliveryProblem(
                "\(image.name) is \(DeliveryProblem.size(image.size)); this ntfy channel attaches images up to \(DeliveryProblem.size(maxFileSize)) (`max_file_mib`): send a smaller image or set `attach_images = false`")
        }
        return nil
    }

    static func request(
        _ target: Target, url: String, token: String?, post: Post, text: String, image: StoredMedia?, timeout: Duration
    ) -> HTTPRequest {
        var headers: [(name: String, value: String)] = [("User-Agent", "trobador")]
        if let token { headers.append(("Authorization", "Bearer " + token)) }
        guard target.method != "DELETE" else {
            return HTTPRequest(method: "DELETE", url: url + target.path, headers: headers, timeout: timeout)
        }
        if let title = post.title?.trimmingCharacters(in: .whitespacesAndNewlines), !title.isEmpty {
            headers.append(("Title", EncodedWords.header(title.replacingOccurrences(of: "\n", with: " "))))
        }
        let tags = post.tags.map { EncodedWords.header($0) }.filter { !$0.isEmpty && !$0.contains(",") }
        if !tags.isEmpty { headers.append(("Tags", tags.joined(separator: ","))) }
        if let link = post.link { headers.append(("Click", asciiURL(link))) }
        headers.append(("Markdown", "yes"))
        guard let image else {
            headers.insert(("Content-Type", "text/plain; charset=utf-8"), at: 0)
            return HTTPRequest(method: target.method, url: url + target.path, headers: headers, body: Array(text.utf8), timeout: timeout)
        }
        headers.insert(("Content-Type", image.contentType), at: 0)
        headers.append(("Filename", EncodedWords.header(image.name)))
        headers.append(("Message", EncodedWords.header(text)))
        let data = image.data ?? Array("{\(image.size) bytes of \(image.contentType), \(image.name)}".utf8)
        return HTTPRequest(method: target.method, url: url + target.path, headers: headers, body: data, timeout: timeout)
    }

    /// `Click` is read as it comes: a link with non-ASCII characters is percent-encoded.
    private static func asciiURL(_ link: String) -> String {
        guard !link.allSatisfy(\.isASCII) else { return link }
        var out = ""
        for scalar in link.unicodeScalars {
            if scalar.isASCII { out.unicodeScalars.append(scalar) } else {
                for byte in String(scalar).utf8 { out += "%" + String(byte, radix: 16, uppercase: true) }
            }
        }
        return out
    }
}
