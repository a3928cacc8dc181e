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
    var response: ResponseReading

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
        if body != nil, !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
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

/// How a plugin reads a service's answer (`[create.response]`...): JSON pointers into the body.
struct ResponseReading: Sendable {
    enum Unit: String, Sendable, CaseIterable { case seconds, milliseconds }

    /// The message's id in a successful answer.
    var remoteID: JSONPointer?
    /// Where the message can be seen, in a successful answer...
    var url: JSONPointer?
    /// ...or built from the values and `remote_id` (Zulip's `/#narrow/near/ID`).
    var urlTemplate: PluginTemplate?
    /// The service's own words about what went wrong, in any answer.
    var error: JSONPointer?
    /// The service's "slow down" hint; wins over `Retry-After`.
    var retryAfter: JSONPointer?
    var retryAfterUnit: Unit = .seconds
    /// A 2xx answer is a success only if this value equals `successEquals` (Zulip's
    /// `"result": "success"`, Rocket.Chat's `"success": true`).
    var success: JSONPointer?
    var successEquals: String?

    init() {}

    /// What one attempt came to, by the shared rule of `HTTPOutcome`, read the plugin's way.
    func outcome(
        _ result: Result<HTTPResponse, HTTPError>, values: [String: Any], previous: Receipt?
    ) -> DeliveryOutcome {
        guard case .success(let response) = result else { return HTTPOutcome.classify(result) }
        let document = JSONValue.parse(response.body)
        let said = document.flatMap { error?.value(in: $0)?.scalarText }.flatMap { $0.isEmpty ? nil : $0 }

        if (200..<300).contains(response.status), let success, let expected = successEquals {
            let found = document.flatMap { success.value(in: $0)?.scalarText }
            if found != expected {
                let why = said ?? "`\(success)` is \(found.map { "\"\($0)\"" } ?? "missing"), not \"\(expected)\""
                return .failed(reason: "HTTP \(response.status) but the service refused: \(why)", httpStatus: response.status)
            }
        }
        let outcome = HTTPOutcome.classify(result, receipt: { response in
            receipt(document: document, values: values, previous: previous)
        }, retryHint: { _ in
            guard let retryAfter, let seconds = document.flatMap({ retryAfter.value(in: $0)?.numberValue }), seconds >= 0 else { return nil }
            return .milliseconds(Int64(retryAfterUnit == .seconds ? seconds * 1000 : seconds))
        })
        guard let said else { return outcome }
        // The service's own words replace the raw body excerpt.
        let reason = HTTPOutcome.reason(HTTPResponse(status: response.status, body: Array(said.utf8)))
        switch outcome {
        case .retry(let after, _, let status, let progress): return .retry(after: after, reason: reason, httpStatus: status, progress: progress)
        case .failed(_, let status): return .failed(reason: reason, httpStatus: status)
        case .delivered: return outcome
        }
    }

    private func receipt(document: JSONValue?, values: [String: Any], previous: Receipt?) -> Receipt {
        let id = document.flatMap { remoteID?.value(in: $0)?.scalarText } ?? previous?.remoteID
        var link = document.flatMap { url?.value(in: $0)?.scalarText }
        if link == nil, let urlTemplate, let id {
            var withID = values
            withID["remote_id"] = id
            link = urlTemplate.render(withID)
        }
        return Receipt(remoteID: id, url: link ?? previous?.url)
    }
}
