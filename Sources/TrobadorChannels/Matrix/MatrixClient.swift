import CurlHTTP
import TrobadorCore

/// Builds client-server API calls for one room and performs them, with the access token as
/// `Authorization: Bearer` (redacted by `preview` like every secret).
struct MatrixClient: Sendable {
    var base: String
    var token: String
    var room: String
    var timeout: Duration
    var http: any HTTPClient

    private var headers: [(name: String, value: String)] {
        [("Authorization", "Bearer " + token), ("Content-Type", "application/json"), ("User-Agent", "trobador")]
    }

    private var roomPath: String { base + "/_matrix/client/v3/rooms/" + Self.escaped(room) }

    /// `PUT /rooms/{roomId}/send/m.room.message/{txnId}`.
    func send(_ content: JSONValue, txnID: String) -> HTTPRequest {
        HTTPRequest(
            method: "PUT", url: roomPath + "/send/m.room.message/" + Self.escaped(txnID), headers: headers,
            body: content.bytes, timeout: timeout)
    }

    /// `PUT /rooms/{roomId}/redact/{eventId}/{txnId}`, without a reason for the room to read.
    func redact(_ eventID: String, txnID: String) -> HTTPRequest {
        HTTPRequest(
            method: "PUT", url: roomPath + "/redact/" + Self.escaped(eventID) + "/" + Self.escaped(txnID), headers: headers,
            body: JSONValue.object([]).bytes, timeout: timeout)
    }

    /// `POST /_matrix/media/v3/upload?filename=...`: the file's bytes, typed. Uploads have no
    /// transaction id; a retried upload leaves an unused copy in the media repository.
    func upload(_ media: StoredMedia) -> HTTPRequest {
        HTTPRequest(
            method: "POST", url: base + "/_matrix/media/v3/upload?filename=" + Self.escaped(media.name),
            headers: [("Authorization", "Bearer " + token), ("Content-Type", media.contentType), ("User-Agent", "trobador")],
            body: media.data ?? [], timeout: timeout)
    }

    func perform(_ request: HTTPRequest, harmless: String? = nil) async -> MatrixAnswer {
        let result = await http.exchange(request)
        return MatrixAnswer.read(result, harmless: harmless)
    }

    /// A matrix.to link to an event, routed through the server that made the room.
    func link(to eventID: String) -> String {
        let server = room.split(separator: ":", maxSplits: 1).dropFirst().first.map { "?via=" + $0 } ?? ""
        return "https://matrix.to/#/\(room)/\(eventID)\(server)"
    }

    /// A path segment or query value: everything but RFC 3986's unreserved characters is
    /// percent-encoded, so `!room:server` and `$event` arrive as sent.
    static func escaped(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
