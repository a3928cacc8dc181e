import CurlHTTP
import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorChannels
@testable import TrobadorCore

@Suite("ntfy channel, against a stand-in ntfy 2.16 server")
struct NtfyChannelTests {
    static func adapter(
        _ standIn: NtfyStandIn, token: String? = NtfyStandIn.token, attach: Bool? = nil, media: [StoredMedia] = [HookFixtures.image]
    ) throws -> any ChannelAdapter {
        var settings: [String: SettingValue] = ["url": .string(standIn.url + "/"), "topic": HookFixtures.secret(NtfyStandIn.topic)]
        if let token { settings["token"] = HookFixtures.secret(token) }
        if let attach { settings["attach_images"] = .boolean(attach) }
        return try HookFixtures.adapter(NtfyChannelType(), name: "ntfy", settings: settings, media: media)
    }

    @Test func publishes_the_rich_french_post_with_its_title_tags_link_and_image_attached() async throws {
        let standIn = try await NtfyStandIn()
        let outcome = await (try Self.adapter(standIn)).deliver(HookFixtures.message(channel: "ntfy"))
        let notification = try #require(standIn.state.withLock { $0.notifications.first })
        #expect(outcome == .delivered(Receipt(remoteID: notification.id, httpStatus: 200)))

        let request = try #require(standIn.receiver.requests.first)
        #expect(request.method == "PUT")
        #expect(request.path == "/" + NtfyStandIn.topic)
        #expect(request.header("authorization") == "Bearer " + NtfyStandIn.token)
        #expect(request.header("content-type") == "image/png")
        #expect([UInt8](request.body) == HookFixtures.png)
        #expect(request.header("message")?.allSatisfy(\.isASCII) == true, "the text travels as RFC 2047 words")
        #expect(request.header("title")?.allSatisfy(\.isASCII) == true)

        let text = NtfyAdapter.text(for: HookFixtures.richPost).text
        #expect(notification.message == text)
        #expect(text.utf8.count <= 4095)
        #expect(notification.title == "Fête de la musique 2026 : l'Occitanie en fête")
        #expect(notification.tags == ["culture", "musique", "agenda"])
        #expect(notification.click == HookFixtures.link)
        #expect(notification.markdown)
        #expect(notification.attachment?.name == "affiche.png" && notification.attachment?.size == HookFixtures.png.count)
        #expect(text.hasPrefix("Le 21 juin, **plus de 300 concerts gratuits**"))
        #expect(text.contains("🇫🇷") && text.contains("« Òc e musica »") && text.contains("📅 21 juin 2026"))
        #expect(text.contains("<\(HookFixtures.longURL)>"), "ntfy's Markdown gets the URL whole in <>")
        #expect(text.hasSuffix("#FeteDeLaMusique #Occitanie #Culture"), "no heading: CommonMark wants a space after #")
        #expect(!text.contains("#Musique"), "the tags travel in the Tags header")
        await standIn.stop()
    }

    @Test func a_post_without_image_is_the_body_of_a_post_and_never_reaches_4096_bytes() async throws {
        let standIn = try await NtfyStandIn()
        var post = HookFixtures.richPost
        post.media = []
        post.summary = nil
        post.body = String(repeating: "Des concerts gratuits partout en Occitanie, de Perpignan à Rodez 🎶. ", count: 80)
        let outcome = await (try Self.adapter(standIn, media: [])).deliver(HookFixtures.message(post, channel: "ntfy", media: []))
        #expect(outcome.httpStatus == 200)
        let request = try #require(standIn.receiver.requests.first)
        #expect(request.method == "POST")
        #expect(request.header("content-type") == "text/plain; charset=utf-8")
        #expect(request.header("filename") == nil && request.header("message") == nil)
        #expect(request.body.count <= 4095, "a body of 4096 bytes would become a file attachment")
        let notification = try #require(standIn.state.withLock { $0.notifications.first })
        #expect(notification.attachment == nil)
        #expect(notification.message.hasSuffix("<\(HookFixtures.link)>"), "shortened with the link kept")
        await standIn.stop()
    }

    @Test func updates_and_deletes_name_the_first_notifications_sequence_id() async throws {
        let standIn = try await NtfyStandIn()
        let adapter = try Self.adapter(standIn, media: [])
        var post = HookFixtures.richPost
        post.media = []
        guard case .delivered(let first) = await adapter.deliver(HookFixtures.message(post, channel: "ntfy", media: [])) else {
            Issue.record("publish failed")
            return
        }
        let id = try #require(first.remoteID)
        post.body = "Le 21 juin, **plus de 350 concerts gratuits** (programme mis à jour) 🎶"
        let update = await adapter.deliver(HookFixtures.message(post, action: .update, version: 2, channel: "ntfy", media: [], previous: first))
        #expect(update == .delivered(Receipt(remoteID: id, httpStatus: 200)), "the sequence keeps the first id")
        let delete = await adapter.deliver(HookFixtures.message(post, action: .retract, version: 3, channel: "ntfy", media: [], previous: first))
        #expect(delete == .delivered(Receipt(httpStatus: 200)))

        let requests = standIn.receiver.requests
        #expect(requests.map(\.method) == ["POST", "POST", "DELETE"])
        #expect(requests[1].path == "/\(NtfyStandIn.topic)/\(id)")
        #expect(requests[2].path == "/\(NtfyStandIn.topic)/\(id)")
        let notifications = standIn.state.withLock { $0.notifications }
        #expect(notifications.map(\.sequenceID) == [id, id])
        #expect(notifications[1].message.contains("350 concerts"))
        #expect(notifications.allSatisfy { $0.deleted })
        await standIn.stop()
    }

    @Test func an_older_server_refuses_updates_and_the_reason_says_ntfy_2_16_is_needed() async throws {
        let standIn = try await NtfyStandIn()
        standIn.state.withLock { $0.olderThan216 = true }
        let adapter = try Self.adapter(standIn, media: [])
        for action in [PostAction.update, .retract] {
            let message = HookFixtures.message(action: action, version: 2, channel: "ntfy", media: [], previous: Receipt(remoteID: "msg2AbCd"))
            guard case .failed(let reason, 404) = await adapter.deliver(message) else { Issue.record("\(action) must fail"); continue }
            #expect(reason == "ntfy: page not found (code 40401); this server cannot update or delete a notification: that needs ntfy 2.16 or later")
        }
        guard case .failed(let missing, nil) = await adapter.deliver(HookFixtures.message(action: .update, version: 2, channel: "ntfy", media: [])) else {
            Issue.record("an update without a recorded id must fail")
            return
        }
        #expect(missing.contains("no ntfy message id was recorded"))
        await standIn.stop()
    }

    @Test func ntfys_json_errors_become_outcomes_with_what_to_do() async throws {
        let standIn = try await NtfyStandIn()
        let message = HookFixtures.message(channel: "ntfy")
        guard case .failed(let forbidden, 403) = await (try Self.adapter(standIn, token: nil)).deliver(message) else { Issue.record("403 must fail"); return }
        #expect(forbidden == "ntfy: forbidden (code 40301); the channel's `token` (or anonymous access) may not publish to this topic")
        guard case .failed(let unauthorized, 401) = await (try Self.adapter(standIn, token: "tk_revoked0000000000000000000000")).deliver(message) else {
            Issue.record("401 must fail")
            return
        }
        #expect(unauthorized.contains("set the channel's `token`"))

        standIn.state.withLock { $0.attachmentsAllowed = false }
        let adapter = try Self.adapter(standIn)
        guard case .failed(let disallowed, 400) = await adapter.deliver(message) else { Issue.record("40014 must fail"); return }
        #expect(disallowed.contains("attachments not allowed (code 40014)") && disallowed.contains("`attach_images = false`"))
        #expect(await (try Self.adapter(standIn, attach: false)).deliver(message).httpStatus == 200, "text only, as configured")
        #expect(standIn.receiver.requests.last?.header("filename") == nil)

        standIn.state.withLock { $0.scripted = [NtfyStandIn.error(42901, "limit reached: too many requests, please be nice")] }
        #expect(await adapter.deliver(message) == .retry(
            after: nil, reason: "ntfy: limit reached: too many requests, please be nice (code 42901)", httpStatus: 429))
        await standIn.stop()
    }

    @Test func an_image_over_the_limit_fails_before_anything_is_sent() async throws {
        let standIn = try await NtfyStandIn()
        var big = HookFixtures.image
        big.size = 16 << 20
        let outcome = await (try Self.adapter(standIn, media: [big])).deliver(HookFixtures.message(channel: "ntfy", media: [big]))
        guard case .failed(let reason, nil) = outcome else { Issue.record("expected a failure, got \(outcome)"); return }
        #expect(reason.contains("affiche.png is 16 MiB; this ntfy channel attaches images up to 15 MiB"))
        #expect(standIn.receiver.count == 0)
        await standIn.stop()
    }

    @Test func preview_redacts_the_topic_and_the_token_and_counts_bytes() async throws {
        let standIn = try await NtfyStandIn()
        let adapter = try Self.adapter(standIn)
        let previews = adapter.preview(HookFixtures.message(channel: "ntfy"))
        let preview = try #require(previews.first)
        #expect(preview.request.url == standIn.url + "/***")
        #expect(preview.request.headers.contains { $0.name == "Authorization" && $0.value == "Bearer ***" })
        #expect(preview.length == TextLength(count: NtfyAdapter.text(for: HookFixtures.richPost).text.utf8.count, limit: 4095, unit: "UTF-8 bytes"))
        #expect(preview.purpose.contains("affiche.png attached") && preview.purpose.contains("no alt text"))
        let delete = adapter.preview(HookFixtures.message(action: .retract, version: 2, channel: "ntfy", previous: Receipt(remoteID: "msg2AbCd")))
        #expect(delete.first?.request.url == standIn.url + "/***/msg2AbCd")
        standIn.state.withLock { $0.scripted = [NtfyStandIn.error(40301, "forbidden")] }
        let outcome = await adapter.deliver(HookFixtures.message(channel: "ntfy"))
        let visible = HookFixtures.visibleText(outcomes: [outcome], previews: previews + delete)
        #expect(!visible.contains(NtfyStandIn.topic) && !visible.contains(NtfyStandIn.token))
        await standIn.stop()
    }

    @Test func a_topic_ntfy_would_refuse_is_refused_at_setup() {
        #expect(throws: ChannelSetupError.self) {
            try HookFixtures.adapter(NtfyChannelType(), settings: ["url": .string("https://ntfy.sh"), "topic": HookFixtures.secret("actualités région")])
        }
    }
}
