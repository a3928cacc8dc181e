import Foundation

/// A `multipart/form-data` body (RFC 7578): text fields and files, each in a part named by
/// its `Content-Disposition`, for APIs that take fields and files in one request (Discord's
/// `payload_json` and `files[n]`, Telegram's `sendPhoto`, Mastodon's media upload).
struct MultipartFormBody: Sendable {
    let boundary: String
    private var parts: [Part] = []

    private struct Part: Sendable {
        var disposition: String
        var contentType: String?
        var content: [UInt8]
    }

    /// A random boundary by default (check `boundaryCollides` once the parts are in), or one
    /// derived from something the parts cannot hold, such as a file's own hash.
    init(boundary: String = "trobador-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()) {
        self.boundary = boundary
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    mutating func addField(_ name: String, _ value: String, contentType: String? = nil) {
        parts.append(Part(disposition: "form-data; name=\"\(Self.quoted(name))\"", contentType: contentType, content: Array(value.utf8)))
    }

    mutating func addFile(_ name: String, filename: String, contentType: String, data: [UInt8]) {
        parts.append(Part(
            disposition: "form-data; name=\"\(Self.quoted(name))\"; filename=\"\(Self.quoted(filename))\"",
            contentType: contentType, content: data))
    }

    /// The encoded body: every part between `--boundary` lines, then `--boundary--`.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        for part in parts {
            out += Array("--\(boundary)\r\nContent-Disposition: \(part.disposition)\r\n".utf8)
            if let type = part.contentType { out += Array("Content-Type: \(type)\r\n".utf8) }
            out += Array("\r\n".utf8)
            out += part.content
            out += Array("\r\n".utf8)
        }
        out += Array("--\(boundary)--\r\n".utf8)
        return out
    }

    /// Whether some part holds the boundary text, which would cut it short (never with the
    /// random default in practice; checked anyway since a file's bytes are arbitrary).
    var boundaryCollides: Bool {
        let marker = Array(boundary.utf8)
        return parts.contains { $0.content.count >= marker.count && Self.contains($0.content, marker) }
    }

    /// Names are ASCII here; a quote or a line break in a file name is percent-encoded, as
    /// browsers do, so that it cannot end the header.
    private static func quoted(_ text: String) -> String {
        text.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        var index = 0
        while let start = haystack[index...].firstIndex(of: first) {
            if start + needle.count > haystack.count { return false }
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
            index = start + 1
        }
        return false
    }
}
