import CurlHTTP
import Foundation
import Testing
import TrobadorCore
import TrobadorTestSupport
@testable import TrobadorPlugins

/// The repository's `plugins/` folder, where the shipped plugins are.
let shippedPlugins = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("plugins").path

func shippedType(_ name: String) throws -> PluginChannelType {
    let (manifest, _) = try PluginManifestReader(directory: shippedPlugins + "/" + name).read().get()
    return PluginChannelType(manifest)
}

func message(
    _ post: Post, action: PostAction = .publish, channel: String = "chan", version: Int = 1, previous: Receipt? = nil
) -> OutboundMessage {
    OutboundMessage(
        post: post, version: version, action: action, channel: channel,
        idempotencyKey: "msg_\(post.id)_\(action.rawValue)_\(version)", attempt: 1, previousReceipt: previous)
}

/// Form fields as a server decodes them.
func formFields(_ body: Data) -> [String: String] {
    var fields: [String: String] = [:]
    for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
            String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
        }
        fields[parts[0]] = parts.count > 1 ? parts[1] : ""
    }
    return fields
}

@Suite("Declarative plugins against a loopback stand-in", .serialized)
struct DeclarativeAdapterTests {
    let hostilePost = Post(id: "fete", title: "Fête \"de la\" musique & co", body: hostile, tags: ["culture"], link: "https://example.org/a?b=1&c=2", lang: "fr")

    private func zulip(_ url: String) throws -> any ChannelAdapter {
        let channel = ChannelConfig(name: "zulip-annonces", type: "zulip", settings: [
            "url": .string(url), "email": .string("bot@example.org"), "api_key": .secret(Secret("K3Y:with&odd=chars", origin: "literal")),
            "stream": .string("annonces & co"), "topic": .string("actualités/été"),
        ])
        return try shippedType("zulip").makeAdapter(for: channel, context: ChannelContext(http: CurlHTTPClient(), spoolDirectory: "/tmp"))
    }

    @Test func zulip_posts_the_hostile_text_as_form_fields_with_basic_auth_and_keeps_the_id_and_link() async throws {
        let receiver = try await LoopbackReceiver { _, _ in .init(body: #"{"result":"success","msg":"","id":4242}"#) }
        defer { Task { await receiver.stop() } }
        let outcome = try await zulip(receiver.url).deliver(message(hostilePost))
        #expect(outcome == .delivered(Receipt(remoteID: "4242", url: receiver.url + "/#narrow/near/4242", httpStatus: 200)))
        let request = try #require(receiver.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/api/v1/messages")
        #expect(request.header("content-type") == "application/x-www-form-urlencoded")
        #expect(request.header("authorization") == "Basic " + Data("bot@example.org:K3Y:with&odd=chars".utf8).base64EncodedString())
        let fields = formFields(request.body)
        #expect(fields["type"] == "stream")
        #expect(fields["to"] == "annonces & co")
        #expect(fields["topic"] == "actualités/été")
        #expect(fields["content"]?.contains("**Fête \"de la\" musique \\& co**") == true)
        #expect(fields["content"]?.contains("👩🏽‍💻 🎶") == true)
        #expect(fields["content"]?.contains("{{text}}") == true, "a post's braces stay text")
    }

    @Test func zulip_edits_and_deletes_the_recorded_message_by_its_id() async throws {
        let receiver = try await LoopbackReceiver { _, _ in .init(body: #"{"result":"success","msg":""}"#) }
        defer { Task { await receiver.stop() } }
        let adapter = try zulip(receiver.url)
        let previous = Receipt(remoteID: "4242", url: receiver.url + "/#narrow/near/4242")
        let edited = await adapter.deliver(message(hostilePost, action: .update, version: 2, previous: previous))
        let deleted = await adapter.deliver(message(hostilePost, action: .retract, version: 3, previous: previous))
        #expect(edited == .delivered(Receipt(remoteID: "4242", url: previous.url, httpStatus: 200)))
        #expect(deleted == .delivered(Receipt(remoteID: "4242", url: previous.url, httpStatus: 200)))
        #expect(receiver.requests.map { "\($0.method) \($0.path)" } == ["PATCH /api/v1/messages/4242", "DELETE /api/v1/messages/4242"])
        #expect(formFields(receiver.requests[0].body)["content"]?.contains("musique \\& co") == true)
        let unknown = await adapter.deliver(message(hostilePost, action: .update, version: 2, previous: nil))
        #expect(unknown == .failed(reason: "no remote id was recorded for this post on zulip-annonces, so it cannot be edited", httpStatus: nil))
    }

    @Test func zulip_errors_fail_in_zulips_words_and_rate_limits_retry_after_its_hint() async throws {
        let receiver = try await LoopbackReceiver { _, index in
            index == 0
                ? .init(status: 400, body: #"{"result":"error","msg":"Channel 'annonces' does not exist","code":"STREAM_DOES_NOT_EXIST"}"#)
                : .init(status: 429, body: #"{"result":"error","msg":"API usage exceeded rate limit","code":"RATE_LIMIT_HIT","retry-after":28.5}"#)
        }
        defer { Task { await receiver.stop() } }
        let adapter = try zulip(receiver.url)
        #expect(await adapter.deliver(message(hostilePost)) == .failed(reason: "bad request: Channel 'annonces' does not exist", httpStatus: 400))
        #expect(await adapter.deliver(message(hostilePost)) == .retry(after: .milliseconds(28_500), reason: "too many requests: API usage exceeded rate limit", httpStatus: 429))
    }

    @Test func a_2xx_answer_that_says_it_failed_is_a_failure() async throws {
        let receiver = try await LoopbackReceiver { _, _ in .init(body: #"{"success":false,"error":"invalid-channel"}"#) }
        defer { Task { await receiver.stop() } }
        let channel = ChannelConfig(name: "rc", type: "rocket-chat", settings: ["url": .string(receiver.url + "/hooks/a/b")])
        let adapter = try shippedType("rocket-chat").makeAdapter(for: channel, context: ChannelContext(http: CurlHTTPClient(), spoolDirectory: "/tmp"))
        #expect(await adapter.deliver(message(hostilePost)) == .failed(reason: "HTTP 200 but the service refused: invalid-channel", httpStatus: 200))
        let body = try #require(receiver.requests.first?.json)
        #expect((body["text"] as? String)?.contains("Fête \"de la\" musique \\& co") == true)
    }

    @Test func gotify_sends_the_token_in_a_header_and_deletes_only_with_a_client_token() async throws {
        let receiver = try await LoopbackReceiver { received, _ in
            received.method == "POST" ? .init(body: #"{"id": 77, "appid": 3, "message": "m", "title": "t", "priority": 5}"#) : .init(body: "")
        }
        defer { Task { await receiver.stop() } }
        var channel = ChannelConfig(name: "gotify", type: "gotify", settings: [
            "url": .string(receiver.url), "token": .secret(Secret("APP\r\nX-Evil: 1", origin: "literal")),
        ])
        let context = ChannelContext(http: CurlHTTPClient(), spoolDirectory: "/tmp")
        let adapter = try shippedType("gotify").makeAdapter(for: channel, context: context)
        #expect(await adapter.deliver(message(hostilePost)) == .delivered(Receipt(remoteID: "77", httpStatus: 200)))
        let sent = try #require(receiver.requests.first)
        #expect(sent.path == "/message")
        #expect(sent.header("x-gotify-key") == "APP  X-Evil: 1")
        #expect(sent.header("x-evil") == nil)
        let body = try #require(sent.json)
        #expect(body["title"] as? String == "Fête \"de la\" musique & co")
        #expect(((body["extras"] as? [String: Any])?["client::display"] as? [String: String])?["contentType"] == "text/markdown")

        let previous = Receipt(remoteID: "77")
        #expect(await adapter.deliver(message(hostilePost, action: .retract, version: 2, previous: previous))
            == .failed(reason: "channel gotify has no `client_token`, which the gotify plugin needs to delete", httpStatus: nil))
        channel.settings["client_token"] = .secret(Secret("CLIENT", origin: "literal"))
        let withClient = try shippedType("gotify").makeAdapter(for: channel, context: context)
        #expect(await withClient.deliver(message(hostilePost, action: .retract, version: 2, previous: previous)) == .delivered(Receipt(remoteID: "77", httpStatus: 200)))
        #expect(receiver.requests.last.map { "\($0.method) \($0.path) \($0.header("x-gotify-key") ?? "")" } == "DELETE /message/77 CLIENT")
        #expect(await withClient.deliver(message(hostilePost, action: .update, version: 3, previous: previous))
            == .failed(reason: "the gotify plugin declares no [update] request: it cannot edit a published message; do it by hand", httpStatus: nil))
    }
}
