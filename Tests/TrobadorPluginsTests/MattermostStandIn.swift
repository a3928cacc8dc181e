import Foundation
import TrobadorTestSupport

/// A Mattermost server's posts API (v4) on loopback, as a bot sees it: `POST /api/v4/posts`
/// with `Authorization: Bearer <token>`, answered `201` with the post and its 26-character
/// id; `PUT /api/v4/posts/<id>/patch`, `DELETE /api/v4/posts/<id>`. Refusals are Mattermost's
/// AppError objects (`{"id": ..., "message": ..., "status_code": ...}`): 401 for a wrong
/// token, 403 for a channel the bot is not in, 400 for a `root_id` that is not a root post or
/// a message over 16383 characters, 404 for a post that does not exist.
final class MattermostStandIn: Sendable {
    static let token = "bot0token0xq4mzk7d3wp9a1n8e"
    static let channelID = "4xp9fdt77pncbef59f4k1qe83o"

    struct StoredPost: Sendable, Equatable {
        var id: String
        var message: String
        var rootID: String
        var deleted = false
    }

    struct State: Sendable {
        var posts: [StoredPost] = []
        var scripted: [LoopbackReceiver.Answer] = []
        /// Answers given to the Nth creation (0-based) instead of creating it.
        var failCreation: [Int: LoopbackReceiver.Answer] = [:]
        var creations = 0
    }

    let state = Locked(State())
    let receiver: LoopbackReceiver

    init() async throws {
        let state = self.state
        receiver = try await LoopbackReceiver { request, _ in Self.answer(request, state: state) }
    }

    var url: String { receiver.url }

    func stop() async { await receiver.stop() }

    static func appError(_ status: Int, _ id: String, _ message: String) -> LoopbackReceiver.Answer {
        HookFixtures.jsonAnswer(
            ["id": id, "message": message, "detailed_error": "", "request_id": "r9k3m1", "status_code": status], status: status)
    }

    static func answer(_ request: LoopbackReceiver.Received, state: Locked<State>) -> LoopbackReceiver.Answer {
        if let scripted = state.withLock({ $0.scripted.isEmpty ? nil : $0.scripted.removeFirst() }) { return scripted }
        guard request.header("authorization") == "Bearer " + token else {
            return appError(401, "api.context.session_expired.app_error", "Invalid or expired session, please login again.")
        }
        let segments = request.path.split(separator: "/").map(String.init)
        switch (request.method, segments.count) {
        case ("POST", 3) where request.path == "/api/v4/posts":
            return create(request, state: state)
        case ("PUT", 5) where segments[4] == "patch":
            return state.withLock { state in
                guard let index = state.posts.firstIndex(where: { $0.id == segments[3] && !$0.deleted }) else {
                    return appError(404, "app.post.get.app_error", "Unable to get the post.")
                }
                guard let message = HookFixtures.json(request.body)?["message"] as? String else {
                    return appError(400, "api.context.invalid_body_param.app_error", "Invalid or missing patch in request body.")
                }
                guard message.unicodeScalars.count <= 16383 else { return appError(400, "model.post.is_valid.msg.app_error", "Invalid Message.") }
                state.posts[index].message = message
                return HookFixtures.jsonAnswer(json(state.posts[index]))
            }
        case ("DELETE", 4):
            return state.withLock { state in
                guard let index = state.posts.firstIndex(where: { $0.id == segments[3] && !$0.deleted }) else {
                    return appError(404, "app.post.get.app_error", "Unable to get the post.")
                }
                state.posts[index].deleted = true
                return HookFixtures.jsonAnswer(["status": "OK"])
            }
        default:
            return appError(404, "api.context.404.app_error", "Sorry, we could not find the page.")
        }
    }

    private static func create(_ request: LoopbackReceiver.Received, state: Locked<State>) -> LoopbackReceiver.Answer {
        guard request.header("content-type")?.hasPrefix("application/json") == true, let body = HookFixtures.json(request.body),
              let message = body["message"] as? String, let channel = body["channel_id"] as? String else {
            return appError(400, "api.context.invalid_body_param.app_error", "Invalid or missing post in request body.")
        }
        return state.withLock { state in
            defer { state.creations += 1 }
            if let failure = state.failCreation[state.creations] { return failure }
            guard channel == channelID else {
                return appError(403, "api.context.permissions.app_error", "You do not have the appropriate permissions.")
            }
            let rootID = body["root_id"] as? String ?? ""
            if !rootID.isEmpty, !state.posts.contains(where: { $0.id == rootID && $0.rootID.isEmpty && !$0.deleted }) {
                return appError(400, "api.post.create_post.root_id.app_error", "Invalid RootId parameter.")
            }
            guard message.unicodeScalars.count <= 16383 else { return appError(400, "model.post.is_valid.msg.app_error", "Invalid Message.") }
            let post = StoredPost(id: newID(state.posts.count), message: message, rootID: rootID)
            state.posts.append(post)
            return HookFixtures.jsonAnswer(json(post), status: 201)
        }
    }

    /// Mattermost ids: 26 characters of lowercase base32.
    private static func newID(_ number: Int) -> String {
        let stem = "p\(number)q"
        return stem + String(repeating: "x", count: 26 - stem.count)
    }

    private static func json(_ post: StoredPost) -> [String: Any] {
        ["id": post.id, "channel_id": channelID, "root_id": post.rootID, "message": post.message, "create_at": 1_782_057_600_000, "type": ""]
    }
}
