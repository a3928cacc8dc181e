import Foundation

/// A Gotify server's message endpoints on loopback, answering as Gotify does:
/// `POST /message` (application token in `X-Gotify-Key`) → the message object with its
/// numeric `id`; `DELETE /message/{id}` (client token) → 200 with an empty body, or 404
/// `{"error":"Not Found","errorCode":404,"errorDescription":"..."}` for an id it does not
/// hold (never created, or already deleted); 401 in the same shape for a wrong token.
/// `failNextDeletes` makes the next deletions of the given ids answer 503, as a proxy in
/// front of a restarting server does, without deleting anything.
public final class GotifyStandIn: Sendable {
    public static let appToken = "AqZ3appToken.x"
    public static let clientToken = "CdW9clientToken.y"

    public struct State: Sendable {
        public var nextID = 1
        /// The messages the server holds: id → title.
        public var messages: [Int: String] = [:]
        /// Ids deleted, in the order they were.
        public var deleted: [Int] = []
        /// Ids whose next deletion gets a 503.
        public var failNextDeletes: Set<Int> = []
    }

    public let state: Locked<State>
    private let receiver: LoopbackReceiver

    public init() async throws {
        let state = Locked(State())
        self.state = state
        receiver = try await LoopbackReceiver { request, _ in Self.answer(request, state: state) }
    }

    public var url: String { receiver.url }
    public var requests: [LoopbackReceiver.Received] { receiver.requests }
    /// Each request as `METHOD /path`.
    public var calls: [String] { receiver.requests.map { "\($0.method) \($0.path)" } }
    public func stop() async { await receiver.stop() }

    static func error(_ status: Int, _ name: String, _ description: String) -> LoopbackReceiver.Answer {
        .init(status: status, body: #"{"error":"\#(name)","errorCode":\#(status),"errorDescription":"\#(description)"}"#)
    }

    static func answer(_ request: LoopbackReceiver.Received, state: Locked<State>) -> LoopbackReceiver.Answer {
        let key = request.header("x-gotify-key")
        switch request.method {
        case "POST" where request.path == "/message":
            guard key == appToken else { return error(401, "Unauthorized", "you need to provide a valid access token or user credentials to access this api") }
            let title = request.json?["title"] as? String ?? ""
            let id = state.withLock { state in
                defer { state.nextID += 1 }
                state.messages[state.nextID] = title
                return state.nextID
            }
            return .init(body: #"{"id":\#(id),"appid":1,"message":"...","title":"\#(title.replacingOccurrences(of: "\"", with: "'"))","priority":5,"date":"2026-06-21T10:00:00.000000000+02:00"}"#)
        case "DELETE" where request.path.hasPrefix("/message/"):
            guard key == clientToken else { return error(401, "Unauthorized", "you need to provide a valid access token or user credentials to access this api") }
            guard let id = Int(request.path.dropFirst("/message/".count)) else {
                return error(400, "Bad Request", "strconv.ParseUint: parsing: invalid syntax")
            }
            return state.withLock { state in
                if state.failNextDeletes.remove(id) != nil { return .init(status: 503, headers: ["Content-Type": "text/plain"], body: "Service Unavailable") }
                guard state.messages.removeValue(forKey: id) != nil else { return error(404, "Not Found", "message does not exist") }
                state.deleted.append(id)
                return .init(status: 200, headers: [:], body: "")
            }
        default:
            return error(404, "Not Found", "page not found")
        }
    }
}
