import CurlHTTP
import Foundation
import TrobadorCore

/// One HTTP request of a declarative plugin (`[create]`, `[update]` or `[delete]` in
/// `plugin.toml`): each part a template escaped for where it goes, and how to read the answer.
struct RequestTemplate: Sendable {
    /// What a body is, which decides how its values are escaped and its `Content-Type`.
    enum BodyFormat: String, Sendable, CaseIterable {
        /// `application/json`: values escaped as the inside of JSON strings.
        case json
        /// `application/x-www-form-urlencoded`: values form-encoded.
        case form
        /// `text/plain; charset=utf-8`: values as they are.
        case text

        var escaping: TemplateEscaping {
            switch self {
            case .json: .json
            case .form: .form
            case .text: .text
            }
        }

        var contentType: String {
            switch self {
            case .json: "application/json"
            case .form: "application/x-www-form-urlencoded"
            case .text: "text/plain; charset=utf-8"
            }
        }
    }

    var method: String
    var url: PluginTemplate
    var headers: [(name: String, value: PluginTemplate)]
    var body: PluginTemplate?
    var bodyFormat: BodyFormat
    /// `Authorization: Basic base64(user:password)`, both templates (Zulip's email and API key).
    var basicAuth: (user: PluginTemplate, password: PluginTemplate)?
    /// Settings this request cannot go without (Gotify's client token, to delete).
    var requires: [String]
    /// The largest body the service takes (Teams' 28 KB): a larger one fails before sending.
    var maxBodyBytes: Int?
    var response: ResponseReading

    /// Why `request` cannot be sent as it is, in the operator's terms; nil when it can.
    func refusal(of request: HTTPRequest) -> String? {
        guard let maxBodyBytes, request.body.count > maxBodyBytes else { return nil }
        return "the request is \(request.body.count) bytes and the service takes \(maxBodyBytes) at most: shorten the post (its title, or its text)"
    }

    /// Whether the request names the published message, so it cannot be sent without a
    /// recorded remote id.
    var usesRemoteID: Bool {
        ([url, body].compactMap { $0 } + headers.map(\.value)).contains { $0.uses("remote_id") || $0.uses("remote_url") }
    }

    /// Whether any part of the request uses the value `name`.
    func uses(_ name: String) -> Bool {
        var templates = [url] + headers.map(\.value) + (body.map { [$0] } ?? [])
        if let basicAuth { templates += [basicAuth.user, basicAuth.password] }
        return templates.contains { $0.uses(name) }
    }

    /// The request for one message's values.
    /// `forPreview`: the Basic credentials are shown as `***`, since their base64 form would
    /// escape the redaction of secrets by value.
    func render(_ values: [String: Any], timeout: Duration, forPreview: Bool = false) -> HTTPRequest {
        var rendered: [(name: String, value: String)] = [("User-Agent", "trobador")]
        if body != nil, !headers.contains(where: { $0.name.isSameHeaderName(as: "Content-Type") }) {
            rendered.append(("Content-Type", bodyFormat.contentType))
        }
        if let basicAuth {
            let pair = basicAuth.user.render(values) + ":" + basicAuth.password.render(values)
            rendered.append(("Authorization", "Basic " + (forPreview ? "***" : Data(pair.utf8).base64EncodedString())))
        }
        // A header that renders empty is left out: `{{#settings.token}}Bearer {{settings.token}}{{/settings.token}}`
        // sends Authorization only when the channel has a token.
        for header in headers {
            let value = header.value.render(values).trimmingCharacters(in: .whitespaces)
            if !value.isEmpty { rendered.append((header.name, value)) }
        }
        return HTTPRequest(
            method: method, url: url.render(values), headers: rendered,
            body: body.map { Array($0.render(values).utf8) } ?? [], timeout: timeout)
    }
}
