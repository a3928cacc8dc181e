import Foundation

/// A Matrix homeserver's client-server API on a loopback port, for one room and one bot
/// account. It checks calls as a homeserver does (Bearer token, the room id percent-encoded
/// in the path, JSON bodies, the 65536-byte event limit, relations to events that exist,
/// edits by their sender, uploads before `mxc://` URIs are used) and answers in its shapes,
/// `{"event_id": ...}` or `{"errcode": "M_...", "error": "..."}`. Like a homeserver, it
/// answers a transaction id it has seen with the event it already made.
public final class MatrixStandIn: Sendable {
    public static let token = "syt_dHJvYmFkb3I_lWqEcHfPbZqXyTuNmLkJ_2tZ7vQ"
    public static let room = "!PatrimoineOc:example.org"
    public static let sender = "@trobador:example.org"

    public struct Event: Sendable {
        public var id: String
        public var txnID: String
        /// The content as sent, JSON text.
        public var json: String
        public var redacted = false

        public var content: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]) ?? [:] }
        public var relation: [String: Any]? { content["m.relates_to"] as? [String: Any] }
        public var relType: String? { relation?["rel_type"] as? String }
        public var body: String? { content["body"] as? String }
    }

    public struct Upload: Sendable {
        public var uri: String
        public var filename: String?
        public var contentType: String
        public var size: Int
    }

    public struct State: Sendable {
        public var events: [Event] = []
        public var redactions: [String: String] = [:]
        public var uploads: [Upload] = []
    }

    private let state = Locked(State())
    public let receiver: LoopbackReceiver

    /// `script` may answer a request instead of the homeserver (a 429, a 500...), by number.
    public init(uploadLimit: Int = 50 * 1_048_576, script: @escaping @Sendable (LoopbackReceiver.Received, Int) -> LoopbackReceiver.Answer? = { _, _ in nil }) async throws {
        let state = self.state
        receiver = try await LoopbackReceiver { received, index in
            guard let authorization = received.header("authorization") else { return Self.error(401, "M_MISSING_TOKEN", "Missing access token") }
            guard authorization == "Bearer " + Self.token else { return Self.error(401, "M_UNKNOWN_TOKEN", "Invalid access token passed.") }
            if let scripted = script(received, index) { return scripted }
            return state.withLock { Self.answer(received, uploadLimit: uploadLimit, state: &$0) }
        }
    }

    public var url: String { receiver.url }
    public var events: [Event] { state.withLock { $0.events } }
    public var uploads: [Upload] { state.withLock { $0.uploads } }
    /// What the room shows: messages not redacted (edits and redactions change them, and do
    /// not show themselves).
    public var timeline: [Event] { events.filter { !$0.redacted && $0.relType != "m.replace" && $0.relType != "m.redaction" } }

    public func event(_ id: String) -> Event? { events.first { $0.id == id } }

    /// The text a client shows for an event: its latest valid edit, else its own body.
    public func shown(_ id: String) -> String? {
        guard let original = event(id), !original.redacted else { return nil }
        let edit = events.last { $0.relType == "m.replace" && $0.relation?["event_id"] as? String == id && !$0.redacted }
        return (edit?.content["m.new_content"] as? [String: Any])?["body"] as? String ?? original.body
    }

    public func stop() async { await receiver.stop() }

    // MARK: answering as a homeserver

    private static func answer(_ received: LoopbackReceiver.Received, uploadLimit: Int, state: inout State) -> LoopbackReceiver.Answer {
        let (path, query) = split(received.target)
        if path == "/_matrix/media/v3/upload" {
            guard received.method == "POST" else { return error(405, "M_UNRECOGNIZED", "Unrecognized request") }
            return upload(received, query: query, limit: uploadLimit, state: &state)
        }
        // /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId} and .../redact/{eventId}/{txnId}
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard segments.count == 9, Array(segments[1...4]) == ["_matrix", "client", "v3", "rooms"],
              segments[6] == "send" || segments[6] == "redact" else {
            return error(404, "M_UNRECOGNIZED", "Unrecognized request")
        }
        guard received.method == "PUT" else { return error(405, "M_UNRECOGNIZED", "Unrecognized request") }
        // A room id sent as is (`!` and `:` unescaped) would be cut or misread on the way.
        guard segments[5] == escaped(room) else {
            let decoded = segments[5].removingPercentEncoding ?? segments[5]
            return decoded == room
                ? error(400, "M_INVALID_PARAM", "the room id must be percent-encoded in the path")
                : error(403, "M_FORBIDDEN", "User \(sender) not in room \(decoded)")
        }
        guard received.header("content-type")?.hasPrefix("application/json") == true,
              let content = (try? JSONSerialization.jsonObject(with: received.body)) as? [String: Any] else {
            return error(400, "M_NOT_JSON", "Content not JSON.")
        }
        guard received.body.count <= 65_536 else { return error(413, "M_TOO_LARGE", "event too large") }
        let txnID = segments[8].removingPercentEncoding ?? segments[8]
        let key = segments[6] + "/" + txnID
        // The same transaction from the same device: the event already made, nothing new.
        if let seen = state.events.first(where: { $0.txnID == key }) { return eventID(seen.id) }
        if segments[6] == "redact" {
            guard segments[7] == escaped(segments[7].removingPercentEncoding ?? ""), let target = segments[7].removingPercentEncoding,
                  let index = state.events.firstIndex(where: { $0.id == target }) else {
                return error(404, "M_NOT_FOUND", "Event not found")
            }
            state.events[index].redacted = true
            return record(key, json: "{}", relType: "m.redaction", state: &state)
        }
        guard segments[7] == "m.room.message" else { return error(400, "M_UNKNOWN", "the stand-in takes m.room.message only") }
        if let problem = problem(in: content, state: state) { return error(400, "M_BAD_JSON", problem) }
        return record(key, json: String(decoding: received.body, as: UTF8.self), relType: nil, state: &state)
    }

    private static func record(_ txnID: String, json: String, relType: String?, state: inout State) -> LoopbackReceiver.Answer {
        let id = "$event\(state.events.count + 1)_" + String(repeating: "x", count: 30)
        state.events.append(Event(id: id, txnID: txnID, json: relType == "m.redaction" ? #"{"m.relates_to":{"rel_type":"m.redaction"}}"# : json))
        return eventID(id)
    }

    private static func eventID(_ id: String) -> LoopbackReceiver.Answer {
        LoopbackReceiver.Answer(body: #"{"event_id":"\#(id)"}"#)
    }

    private static func upload(_ received: LoopbackReceiver.Received, query: String, limit: Int, state: inout State) -> LoopbackReceiver.Answer {
        guard let type = received.header("content-type"), !type.isEmpty else { return error(400, "M_MISSING_PARAM", "Content-Type header required") }
        guard !received.body.isEmpty else { return error(400, "M_BAD_JSON", "empty upload") }
        guard received.body.count <= limit else { return error(413, "M_TOO_LARGE", "Upload request body is too large") }
        let filename = query.split(separator: "&").first { $0.hasPrefix("filename=") }
            .flatMap { String($0.dropFirst("filename=".count)).removingPercentEncoding }
        let uri = "mxc://example.org/media\(state.uploads.count + 1)"
        state.uploads.append(Upload(uri: uri, filename: filename, contentType: type, size: received.body.count))
        return LoopbackReceiver.Answer(body: #"{"content_uri":"\#(uri)"}"#)
    }

    /// The percent-encoded path and query of a request target.
    public static func split(_ target: String) -> (path: String, query: String) {
        let pieces = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(pieces[0]), pieces.count > 1 ? String(pieces[1]) : "")
    }

    public static func error(_ status: Int, _ errcode: String, _ message: String, extra: [String: Any] = [:]) -> LoopbackReceiver.Answer {
        var object: [String: Any] = ["errcode": errcode, "error": message]
        object.merge(extra) { first, _ in first }
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return LoopbackReceiver.Answer(status: status, body: String(decoding: data, as: UTF8.self))
    }

    public static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? text
    }
}
