import CurlHTTP
import Foundation

/// One request as it left for a network, as the audit trail keeps it: method, URL, headers
/// and body with the channel's secrets replaced by `***` (as `preview` shows them), the
/// credentials of `Authorization` headers hidden, and uploads summarised rather than kept.
public struct SentRequest: Sendable, Codable, Equatable {
    public var method: String
    public var url: String
    public var headers: [Header]
    /// The body as text, when it is text and not an upload.
    public var body: String?
    /// What the body was, when it is not kept: `184320 bytes of multipart/form-data, sha256 …`.
    public var bodySummary: String?
    public var bodyBytes: Int
    /// The HTTP status of the answer, or nil when none came.
    public var status: Int?
    /// Why no answer came.
    public var error: String?

    public struct Header: Sendable, Codable, Equatable {
        public var name: String
        public var value: String
    }

    /// Bodies longer than this are summarised even when they are text.
    static let largestKeptBody = 64 * 1024

    init(method: String, url: String, headers: [Header], body: String?, bodySummary: String?, bodyBytes: Int, status: Int?, error: String?) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.bodySummary = bodySummary
        self.bodyBytes = bodyBytes
        self.status = status
        self.error = error
    }

    public init(_ request: HTTPRequest, status: Int?, error: String?, secrets: [String]) {
        self.init(request, status: status, error: error, redactions: Self.redactions(for: secrets))
    }

    /// What replaces each secret, longest first: a secret URL keeps its scheme, host and ids, as
    /// `preview` shows it, with its token parts (long path segments, query values) as `***`;
    /// any other secret becomes `***`.
    static func redactions(for secrets: [String]) -> [(secret: String, shown: String)] {
        secrets.filter { !$0.isEmpty }.map { secret -> (String, String) in
            let parts = ChannelConfig.tokenParts(ofURL: secret)
            guard !parts.isEmpty else { return (secret, "***") }
            return (secret, parts.reduce(secret) { $0.replacingOccurrences(of: $1, with: "***") })
        }.sorted { $0.0.count > $1.0.count }
    }

    init(_ request: HTTPRequest, status: Int?, error: String?, redactions: [(secret: String, shown: String)]) {
        self = RecordedRequest(request, status: status, error: error, redactions: redactions).sent
    }

    /// `POST https://…/api/v1/statuses → HTTP 200 (412 bytes)`: one line for `history`.
    public var summaryLine: String {
        var line = "\(method) \(url)"
        if let status { line += " → HTTP \(status)" } else if let error { line += " → no answer: \(error)" }
        if bodyBytes > 0 { line += " (\(bodySummary ?? "\(bodyBytes) bytes"))" }
        return line
    }
}

/// A request as an attempt records it: the fields of its `SentRequest`, with a text body kept
/// as the (redacted) bytes that were sent rather than made a `String`. The audit record is
/// written from these bytes for every attempt; the `String` is made only when one is read.
struct RecordedRequest: Sendable, Equatable {
    /// Everything but `body`, which is nil here.
    let fields: SentRequest
    /// The body as valid UTF-8, when it is text and not an upload.
    let text: [UInt8]?

    init(_ sent: SentRequest) {
        var fields = sent
        fields.body = nil
        self.fields = fields
        text = sent.body.map { Array($0.utf8) }
    }

    init(_ request: HTTPRequest, status: Int?, error: String?, redactions: [(secret: String, shown: String)]) {
        func redact(_ text: String) -> String {
            text.redacting(redactions)
        }
        let type = request.header("Content-Type") ?? ""
        let textual = type.isEmpty || type.hasPrefix("application/json") || type.hasPrefix("text/")
            || type.hasPrefix("application/x-www-form-urlencoded")
        var summary: String? = nil
        if request.body.isEmpty {
            text = nil
        } else if textual, request.body.count <= SentRequest.largestKeptBody, request.body.withUnsafeBufferPointer(UTF8Validation.isValid) {
            text = request.body.redacting(redactions)
        } else {
            text = nil
            let digest = ContentHash.sha256Hex(request.body)
            summary = "\(request.body.count) bytes of \(type.isEmpty ? "binary data" : type), sha256 \(digest)"
        }
        fields = SentRequest(
            method: request.method,
            url: redact(request.url),
            headers: request.headers.map { header in
                guard header.name.isSameHeaderName(as: "Authorization") else {
                    return SentRequest.Header(name: header.name, value: redact(header.value))
                }
                // A session token (Bluesky's) is no configured secret, but it is a credential all the same.
                let scheme = header.value.split(separator: " ").first.map(String.init)
                return SentRequest.Header(name: header.name, value: scheme.map { $0 == header.value ? "***" : "\($0) ***" } ?? "***")
            },
            body: nil, bodySummary: summary, bodyBytes: request.body.count, status: status, error: error.map(redact))
    }

    var sent: SentRequest {
        var sent = fields
        sent.body = text.map { String(decoding: $0, as: UTF8.self) }
        return sent
    }

    /// Appends the record as the audit table keeps it: the JSON `JSONEncoder` makes of
    /// `sent` with sorted keys, absent values left out, written directly (it is written for
    /// every attempt, and a tree of `JSONValue`s cost as much again in allocations as the
    /// writing).
    func appendJSON(to out: inout [UInt8]) {
        func key(_ name: StaticString) {
            name.withUTF8Buffer { out.append(contentsOf: $0) }
        }
        func integer(_ value: Int) {
            out.append(contentsOf: String(value).utf8)
        }
        out.append(UInt8(ascii: "{"))
        if let text {
            key(#""body":"#)
            text.withUnsafeBufferPointer { JSONValue.appendQuoted(utf8: $0, to: &out) }
            out.append(UInt8(ascii: ","))
        }
        key(#""bodyBytes":"#)
        integer(fields.bodyBytes)
        if let bodySummary = fields.bodySummary {
            key(#","bodySummary":"#)
            JSONValue.appendQuoted(bodySummary, to: &out)
        }
        if let error = fields.error {
            key(#","error":"#)
            JSONValue.appendQuoted(error, to: &out)
        }
        key(#","headers":["#)
        for (index, header) in fields.headers.enumerated() {
            key(index == 0 ? #"{"name":"# : #",{"name":"#)
            JSONValue.appendQuoted(header.name, to: &out)
            key(#","value":"#)
            JSONValue.appendQuoted(header.value, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        key(#"],"method":"#)
        JSONValue.appendQuoted(fields.method, to: &out)
        if let status = fields.status {
            key(#","status":"#)
            integer(status)
        }
        key(#","url":"#)
        JSONValue.appendQuoted(fields.url, to: &out)
        out.append(UInt8(ascii: "}"))
    }
}
