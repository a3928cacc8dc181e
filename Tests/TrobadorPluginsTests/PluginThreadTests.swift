import CurlHTTP
import Foundation
import Testing
import TrobadorCore
import TrobadorTestSupport
@testable import TrobadorPlugins

@Suite("Declarative plugins sending long posts as threads", .serialized)
struct PluginThreadTests {
    /// About 48,000 characters: three or four Mattermost messages, five or more Zulip ones.
    static let longPost = Post(
        id: "programme-ete", title: "Programme de l'été 2026",
        body: (1...48).map { "Paragraphe \($0) : " + String(repeating: "les concerts continuent tout l'été en Occitanie 🎶. ", count: 20) }
            .joined(separator: "\n\n"),
        tags: ["culture"], link: "https://www.example.org/ete", lang: "fr")

    static func message(
        _ post: Post = longPost, action: PostAction = .publish, version: Int = 1, previous: Receipt? = nil, progress: Receipt? = nil
    ) -> OutboundMessage {
        OutboundMessage(
            post: post, version: version, action: action, channel: "mm",
            idempotencyKey: "msg_\(post.id)_\(action.rawValue)_\(version)", attempt: 1, previousReceipt: previous, progress: progress)
    }

    static func bot(_ standIn: MattermostStandIn, token: String = MattermostStandIn.token) throws -> any ChannelAdapter {
        try HookFixtures.adapter("mattermost-bot", name: "mm", settings: [
            "url": .string(standIn.url), "token": HookFixtures.secret(token), "channel_id": .string(MattermostStandIn.channelID),
        ])
    }

    @Test func mattermost_bot_sends_a_long_post_as_a_thread_replying_to_its_first_message() async throws {
        let standIn = try await MattermostStandIn()
        let outcome = await (try Self.bot(standIn)).deliver(Self.message())
        let posts = standIn.state.withLock { $0.posts }
        #expect(posts.count >= 3)
        #expect(outcome == .delivered(Receipt(
            remoteID: posts[0].id, url: standIn.url + "/_redirect/pl/" + posts[0].id, httpStatus: 201, parts: posts.map(\.id))))
        #expect(posts[0].rootID == "")
        #expect(posts.dropFirst().allSatisfy { $0.rootID == posts[0].id }, "every later part replies to the first (Mattermost's root_id)")
        #expect(posts.allSatisfy { $0.message.unicodeScalars.count <= 16383 })
        #expect(posts[0].message.hasPrefix("**Programme de l'été 2026**"))
        #expect(posts[0].message.contains("1/\(posts.count)") && posts[posts.count - 1].message.contains("\(posts.count)/\(posts.count)"))
        let all = posts.map(\.message).joined(separator: "\n")
        #expect((1...48).allSatisfy { all.contains("Paragraphe \($0) :") }, "nothing is lost between the parts")
        #expect(MessageValues.Composed(Self.longPost, rendering: try shippedType("mattermost-bot").manifest.rendering).partCount == posts.count)
        await standIn.stop()
    }

    @Test func an_attempt_cut_short_goes_on_from_the_first_part_not_accepted() async throws {
        let standIn = try await MattermostStandIn()
        standIn.state.withLock {
            $0.failCreation[1] = .init(status: 503, headers: ["Retry-After": "7"], body: "")
        }
        let adapter = try Self.bot(standIn)
        let first = await adapter.deliver(Self.message())
        let firstID = try #require(standIn.state.withLock { $0.posts.first?.id })
        #expect(first == .retry(
            after: .seconds(7), reason: "part 2 of the thread: service unavailable", httpStatus: 503,
            progress: Receipt(remoteID: firstID, url: standIn.url + "/_redirect/pl/" + firstID, parts: [firstID])))
        guard case .retry(_, _, _, let progress) = first else { return }
        let second = await adapter.deliver(Self.message(progress: progress))
        let posts = standIn.state.withLock { $0.posts }
        #expect(posts.filter { $0.rootID.isEmpty }.count == 1, "the first part is not published twice")
        #expect(second == .delivered(Receipt(
            remoteID: firstID, url: standIn.url + "/_redirect/pl/" + firstID, httpStatus: 201, parts: posts.map(\.id))))
        await standIn.stop()
    }

    @Test func an_update_edits_every_part_and_a_retraction_deletes_them_the_last_first() async throws {
        let standIn = try await MattermostStandIn()
        let adapter = try Self.bot(standIn)
        guard case .delivered(let receipt) = await adapter.deliver(Self.message()) else { Issue.record("the thread must publish"); return }
        var corrected = Self.longPost
        corrected.body = corrected.body.replacingOccurrences(of: "Paragraphe 1 :", with: "Paragraphe 1 (corrigé) :")
        #expect(await adapter.deliver(Self.message(corrected, action: .update, version: 2, previous: receipt)) == .delivered(
            Receipt(remoteID: receipt.remoteID, url: receipt.url, httpStatus: 200, parts: receipt.parts)))
        let edited = standIn.state.withLock { $0.posts }
        #expect(edited[0].message.contains("Paragraphe 1 (corrigé) :"))
        #expect(edited.allSatisfy { $0.message.contains("/\(edited.count)") }, "each part keeps its number")

        var short = Self.longPost
        short.body = "Programme en cours de refonte."
        guard case .failed(let reason, nil) = await adapter.deliver(Self.message(short, action: .update, version: 3, previous: receipt)) else {
            Issue.record("a change in the number of parts must fail")
            return
        }
        #expect(reason == "the new version takes 1 message and \(receipt.parts.count) were published: edits cannot change how many; retract the post and publish it again")

        let before = standIn.receiver.count
        #expect(await adapter.deliver(Self.message(action: .retract, version: 4, previous: receipt)).httpStatus == 200)
        let deletions = standIn.receiver.requests.dropFirst(before).map { "\($0.method) \($0.path)" }
        #expect(deletions == receipt.parts.reversed().map { "DELETE /api/v4/posts/\($0)" })
        #expect(standIn.state.withLock { $0.posts.allSatisfy(\.deleted) })
        await standIn.stop()
    }

    @Test func a_refused_token_fails_with_mattermosts_words_and_what_to_do() async throws {
        let standIn = try await MattermostStandIn()
        let outcome = await (try Self.bot(standIn, token: "stale0token")).deliver(Self.message())
        #expect(outcome == .failed(
            reason: "unauthorized (check the token): api.context.session_expired.app_error: Invalid or expired session, please login again. "
                + "(the bot's token was refused: create a new one (Integrations > Bot Accounts) and update the channel's `token`)",
            httpStatus: 401))
        await standIn.stop()
    }

    @Test func zulip_sends_a_long_post_as_several_messages_in_its_topic() async throws {
        let ids = Locked(0)
        let receiver = try await LoopbackReceiver { _, _ in
            let id = ids.withLock { $0 += 1; return $0 }
            return .init(body: #"{"result":"success","msg":"","id":\#(9000 + id)}"#)
        }
        defer { Task { await receiver.stop() } }
        let channel = ChannelConfig(name: "zulip", type: "zulip", settings: [
            "url": .string(receiver.url), "email": .string("bot@example.org"), "api_key": HookFixtures.secret("K3Y"),
            "stream": .string("annonces"), "topic": .string("été"),
        ])
        let adapter = try shippedType("zulip").makeAdapter(for: channel, context: ChannelContext(http: CurlHTTPClient(), spoolDirectory: "/tmp"))
        guard case .delivered(let receipt) = await adapter.deliver(Self.message()) else { Issue.record("must deliver"); return }
        let contents = receiver.requests.map { formFields($0.body) }
        #expect(contents.count >= 5)
        #expect(contents.allSatisfy { $0["topic"] == "été" && $0["to"] == "annonces" && ($0["content"]?.unicodeScalars.count ?? .max) <= 10000 })
        #expect(receipt.parts == (1...contents.count).map { String(9000 + $0) })
        #expect(receipt.remoteID == "9001" && receipt.url == receiver.url + "/#narrow/near/9001")
    }

    @Test func rocket_chat_bot_threads_by_tmid_and_edits_and_deletes_each_message() async throws {
        // Rocket.Chat's chat API as a bot user sees it: X-Auth-Token and X-User-Id, `tmid` must
        // name a message of the room, `{"success": false, "error": ...}` otherwise.
        let messages = Locked<[(id: String, text: String, tmid: String?)]>([])
        let receiver = try await LoopbackReceiver { request, _ in
            guard request.header("x-auth-token") == "rc-token", request.header("x-user-id") == "rbAXPnMktTFbNpwtJ" else {
                return HookFixtures.jsonAnswer(["status": "error", "message": "You must be logged in to do this."], status: 401)
            }
            let body = request.json ?? [:]
            guard body["roomId"] as? String == "Xnb2kLD2Pnhdwe3RH" else {
                return HookFixtures.jsonAnswer(["success": false, "error": "error-room-not-found"], status: 400)
            }
            return messages.withLock { messages in
                switch request.path {
                case "/api/v1/chat.postMessage":
                    let tmid = body["tmid"] as? String
                    if let tmid, !messages.contains(where: { $0.id == tmid }) {
                        return HookFixtures.jsonAnswer(["success": false, "error": "Invalid thread"], status: 400)
                    }
                    let id = "rcMsg\(messages.count + 1)"
                    messages.append((id, body["text"] as? String ?? "", tmid))
                    return HookFixtures.jsonAnswer(["ts": 1_782_057_600_000, "message": ["_id": id, "rid": "Xnb2kLD2Pnhdwe3RH"], "success": true])
                case "/api/v1/chat.update", "/api/v1/chat.delete":
                    guard let index = messages.firstIndex(where: { $0.id == body["msgId"] as? String }) else {
                        return HookFixtures.jsonAnswer(["success": false, "error": "The required \"msgId\" param provided does not match any message"], status: 400)
                    }
                    if request.path == "/api/v1/chat.delete" { messages.remove(at: index) } else { messages[index].text = body["text"] as? String ?? "" }
                    return HookFixtures.jsonAnswer(["success": true])
                default:
                    return HookFixtures.jsonAnswer(["success": false, "error": "Not found"], status: 404)
                }
            }
        }
        defer { Task { await receiver.stop() } }
        let adapter = try HookFixtures.adapter("rocket-chat-bot", name: "rc", settings: [
            "url": .string(receiver.url), "user_id": .string("rbAXPnMktTFbNpwtJ"), "token": HookFixtures.secret("rc-token"),
            "room_id": .string("Xnb2kLD2Pnhdwe3RH"),
        ])
        guard case .delivered(let receipt) = await adapter.deliver(Self.message()) else { Issue.record("must deliver"); return }
        let sent = messages.withLock { $0 }
        #expect(sent.count >= 10, "5000 graphemes a message")
        #expect(sent[0].tmid == nil && sent.dropFirst().allSatisfy { $0.tmid == "rcMsg1" })
        #expect(receipt.remoteID == "rcMsg1" && receipt.parts == sent.map(\.id))

        var corrected = Self.longPost
        corrected.body = corrected.body.replacingOccurrences(of: "Paragraphe 48 :", with: "Paragraphe 48 (corrigé) :")
        #expect(await adapter.deliver(Self.message(corrected, action: .update, version: 2, previous: receipt)).httpStatus == 200)
        #expect(messages.withLock { $0.last?.text.contains("Paragraphe 48 (corrigé) :") } == true)
        #expect(await adapter.deliver(Self.message(action: .retract, version: 3, previous: receipt)).httpStatus == 200)
        #expect(messages.withLock { $0.isEmpty })
        let refused = await adapter.deliver(Self.message(action: .retract, version: 4, previous: receipt))
        #expect(refused == .failed(
            reason: "message \(receipt.parts.count) of \(receipt.parts.count): bad request: The required \"msgId\" param provided does not match any message",
            httpStatus: 400))
    }
}
