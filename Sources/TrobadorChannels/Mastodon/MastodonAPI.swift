import CurlHTTP
import TrobadorCore

/// The Mastodon REST requests Trobador sends, built in one place so that `deliver` and
/// `preview` show the same thing. Bodies are JSON, which Mastodon accepts beside form data.
struct MastodonAPI: Sendable, CustomStringConvertible, CustomReflectable {
    /// The instance's base URL, without a trailing `/`.
    var instance: String
    var token: String
    var timeout: Duration

    /// Never the token, should an adapter be printed or dumped.
    var description: String { "MastodonAPI(\(instance), token: ***)" }
    var customMirror: Mirror { Mirror(self, children: ["instance": instance, "token": "***"]) }

    /// The same requests with the token replaced, for `preview`.
    var redacted: MastodonAPI {
        var copy = self
        copy.token = "***"
        return copy
    }

    /// `POST /api/v1/statuses`. `idempotencyKey`: Mastodon keeps it an hour per account and
    /// answers a repeated key with the status it already made.
    func postStatus(
        _ text: String, replyTo: String?, mediaIDs: [String], visibility: MastodonVisibility, language: String?,
        idempotencyKey: String
    ) -> HTTPRequest {
        let body = JSONValue.object(dropping: [
            ("status", .string(text)),
            ("in_reply_to_id", replyTo.map(JSONValue.string)),
            ("media_ids", mediaIDs.isEmpty ? nil : .array(mediaIDs.map(JSONValue.string))),
            ("visibility", .string(visibility.rawValue)),
            ("language", language.map(JSONValue.string)),
        ])
        var headers = jsonHeaders
        headers.append(("Idempotency-Key", idempotencyKey))
        return HTTPRequest(method: "POST", url: instance + "/api/v1/statuses", headers: headers, body: body.bytes, timeout: timeout)
    }

    /// `PUT /api/v1/statuses/:id`. `mediaIDs` nil keeps the attachments; an empty list removes them.
    func editStatus(_ id: String, text: String, mediaIDs: [String]?, language: String?) -> HTTPRequest {
        let body = JSONValue.object(dropping: [
            ("status", .string(text)),
            ("media_ids", mediaIDs.map { .array($0.map(JSONValue.string)) }),
            ("language", language.map(JSONValue.string)),
        ])
        return HTTPRequest(method: "PUT", url: instance + "/api/v1/statuses/" + id, headers: jsonHeaders, body: body.bytes, timeout: timeout)
    }

    /// `DELETE /api/v1/statuses/:id`.
    func deleteStatus(_ id: String) -> HTTPRequest {
        HTTPRequest(method: "DELETE", url: instance + "/api/v1/statuses/" + id, headers: baseHeaders, timeout: timeout)
    }

    /// `POST /api/v2/media`: the file and its description as `multipart/form-data`.
    func uploadMedia(_ media: StoredMedia, bytes: [UInt8]) -> HTTPRequest {
        let form = MastodonMediaForm(media: media, bytes: bytes)
        var headers = baseHeaders
        headers.append(("Content-Type", form.contentType))
        // An upload can take longer than a status on a slow link; it still has a bound.
        return HTTPRequest(method: "POST", url: instance + "/api/v2/media", headers: headers, body: form.body, timeout: timeout * 4)
    }

    /// `GET /api/v1/media/:id`: 206 while the server still processes the file, 200 when done.
    func media(_ id: String) -> HTTPRequest {
        HTTPRequest(method: "GET", url: instance + "/api/v1/media/" + id, headers: baseHeaders, timeout: timeout)
    }

    private var baseHeaders: [(name: String, value: String)] {
        [("Authorization", "Bearer " + token), ("User-Agent", "trobador")]
    }

    private var jsonHeaders: [(name: String, value: String)] {
        baseHeaders + [("Content-Type", "application/json")]
    }
}

/// One media file as `multipart/form-data` (RFC 7578): the `description` field, then the `file`.
struct MastodonMediaForm {
    let boundary: String
    let body: [UInt8]

    var contentType: String { "multipart/form-data; boundary=" + boundary }

    init(media: StoredMedia, bytes: [UInt8]) {
        // Derived from the file's hash so the same upload reads the same in `preview` and logs;
        // 32 hex digits of SHA-256 do not occur in an image by chance.
        boundary = "trobador-" + media.sha256.prefix(32)
        // Quotes and line breaks would end the header early: they become `_` here, before
        // the shared form's own escaping, which then has nothing left to change.
        var filename = String.UnicodeScalarView()
        for scalar in media.name.unicodeScalars {
            filename.append("\"\\".unicodeScalars.contains(scalar) || scalar.properties.generalCategory == .control ? "_" : scalar)
        }
        var form = MultipartFormBody(boundary: boundary)
        if let alt = media.alt, !alt.isEmpty { form.addField("description", alt) }
        form.addFile("file", filename: String(filename), contentType: media.contentType, data: bytes)
        body = form.bytes
    }
}
