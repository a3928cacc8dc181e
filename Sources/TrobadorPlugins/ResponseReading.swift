import CurlHTTP
import Foundation
import TrobadorCore

/// How a plugin reads a service's answer (`[create.response]`...): JSON pointers into the body
/// (the empty pointer `""` is the whole answer, a text answer such as Slack's `invalid_token`
/// included), and what the service's error codes mean for the operator.
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
    /// The service's error code, shown before its words (Azure's `/error/code`).
    var errorCode: JSONPointer?
    /// What an error code (or, without `errorCode`, the service's words) means and what to
    /// do, in the operator's terms: `[create.response.explain]`.
    var explanations: [String: String] = [:]
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
        let said = serviceWords(response, document: document)

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

    /// The code and words the service gave, and what they mean when the plugin says: "gone:
    /// channel_is_archived (the webhook's channel is archived: ...)".
    private func serviceWords(_ response: HTTPResponse, document: JSONValue?) -> String? {
        let code = errorCode.flatMap { text(at: $0, response, document: document) }
        let words = error.flatMap { text(at: $0, response, document: document) }
        var said = [code, words == code ? nil : words].compactMap { $0 }.joined(separator: ": ")
        guard !said.isEmpty else { return nil }
        if let meaning = (code ?? words).flatMap({ explanations[$0] }) { said += " (\(meaning))" }
        return said
    }

    private func text(at pointer: JSONPointer, _ response: HTTPResponse, document: JSONValue?) -> String? {
        let found: String?
        if let document {
            found = pointer.value(in: document)?.scalarText
        } else if pointer.tokens.isEmpty {
            // An answer that is not JSON is a text: the whole answer, for the empty pointer only.
            found = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            found = nil
        }
        guard let found, !found.isEmpty else { return nil }
        return found.count > 300 ? String(found.prefix(300)) + "…" : found
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
