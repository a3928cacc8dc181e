import CurlHTTP
import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorChannels
@testable import TrobadorCore

@Suite("discord channel, against a stand-in that checks requests as Discord does")
struct DiscordChannelTests {
    static func adapter(_ standIn: DiscordStandIn, thread: Bool = false, media: [StoredMedia] = [HookFixtures.image]) throws -> any ChannelAdapter {
        var settings: [String: SettingValue] = ["url": HookFixtures.secret(standIn.url)]
        if thread { settings["thread_id"] = .string(DiscordStandIn.threadID) }
        return try HookFixtures.adapter(DiscordChannelType(), name: "discord", settings: settings, media: media)
    }

    @Test func publishes_the_rich_french_post_as_one_message_within_2000_code_points_with_its_image_and_alt_text() async throws {
        let standIn = try await DiscordStandIn()
        let adapter = try Self.adapter(standIn)
        let outcome = await adapter.deliver(HookFixtures.message(channel: "discord"))

        guard case .delivered(let receipt) = outcome else {
            Issue.record("expected delivered, got \(outcome)")
            return
        }
        let stored = try #require(standIn.state.withLock { $0.messages.values.first })
        #expect(receipt.remoteID == stored.id)
        #expect(receipt.url == "https://discord.com/channels/\(DiscordStandIn.guildID)/\(DiscordStandIn.channelID)/\(stored.id)")
        #expect(receipt.parts.isEmpty, "one message, not a thread")
        #expect(standIn.receiver.count == 1)

        let request = try #require(standIn.receiver.requests.first)
        #expect(request.method == "POST")
        #expect(request.query["wait"] == "true")
        let parts = try #require(FormPart.parse(request.body, contentType: request.header("content-type")))
        #expect(parts.map(\.name) == ["payload_json", "files[0]"])
        #expect(parts[0].contentType == "application/json")
        let payload = try #require(HookFixtures.json(parts[0].content))
        #expect((payload["allowed_mentions"] as? [String: Any])?["parse"] as? [Any] != nil)
        #expect(((payload["allowed_mentions"] as? [String: Any])?["parse"] as? [Any])?.isEmpty == true)
        let attachment = try #require((payload["attachments"] as? [[String: Any]])?.first)
        #expect((attachment["id"] as? NSNumber)?.intValue == 0)
        #expect(attachment["filename"] as? String == "affiche.png")
        #expect(attachment["description"] as? String == HookFixtures.alt)
        #expect(parts[1].filename == "affiche.png")
        #expect(parts[1].contentType == "image/png")
        #expect([UInt8](parts[1].content) == HookFixtures.png)

        let content = try #require(payload["content"] as? String)
        #expect(content.unicodeScalars.count <= 2000)
        #expect(content.hasPrefix("**Fête de la musique 2026 : l'Occitanie en fête**"))
        #expect(content.contains("**plus de 300 concerts gratuits**"))
        #expect(content.contains("🇫🇷") && content.contains("🎶") && content.contains("« Òc e musica »"))
        #expect(content.contains(HookFixtures.longURL), "the long URL is whole, query string included")
        #expect(content.contains("#FeteDeLaMusique #Occitanie #Culture"))
        #expect(content.contains("21 juin 2026, 18:00 – 01:00 · Place du Capitole, Toulouse"))
        #expect(stored.content == content)
        #expect(stored.attachments.first?.description == HookFixtures.alt)
        await standIn.stop()
    }

    @Test func a_post_without_image_goes_as_json_into_the_configured_thread_and_mentions_nobody() async throws {
        let standIn = try await DiscordStandIn()
        let adapter = try Self.adapter(standIn, thread: true, media: [])
        var post = HookFixtures.richPost
        post.body = "Rendez-vous @everyone et <@123456789> ce soir 🎉"
        post.media = []
        let outcome = await adapter.deliver(HookFixtures.message(post, channel: "discord", media: []))
        guard case .delivered(let receipt) = outcome else {
            Issue.record("expected delivered, got \(outcome)")
            return
        }
        #expect(receipt.url?.contains("/\(DiscordStandIn.threadID)/") == true)
        let request = try #require(standIn.receiver.requests.first)
        #expect(request.header("content-type") == "application/json")
        #expect(request.query == ["wait": "true", "thread_id": DiscordStandIn.threadID])
        let payload = try #require(request.json)
        #expect(payload["attachments"] == nil)
        #expect(((payload["allowed_mentions"] as? [String: Any])?["parse"] as? [Any])?.isEmpty == true)
        #expect((payload["content"] as? String)?.contains("@everyone") == true, "the text is kept; allowed_mentions keeps it from pinging")
        await standIn.stop()
    }

    @Test func a_post_over_2000_code_points_sends_its_summary_or_is_shortened_with_its_link() async throws {
        let standIn = try await DiscordStandIn()
        let adapter = try Self.adapter(standIn, media: [])
        var long = HookFixtures.richPost
        long.media = []
        long.body = String(repeating: "Les scènes ouvertes accueillent les jeunes talents de la région 🎸. ", count: 40)
        #expect(await adapter.deliver(HookFixtures.message(long, channel: "discord", media: [])).httpStatus == 200)
        long.summary = nil
        #expect(await adapter.deliver(HookFixtures.message(long, channel: "discord", media: [])).httpStatus == 200)

        let contents = standIn.receiver.requests.compactMap { $0.json?["content"] as? String }
        #expect(contents.count == 2)
        #expect(contents[0].contains(HookFixtures.richPost.summary!))
        #expect(contents[1].hasSuffix(HookFixtures.link))
        #expect(contents[1].contains("…"))
        #expect(contents.allSatisfy { $0.unicodeScalars.count <= 2000 })
        await standIn.stop()
    }

    @Test func edits_and_deletes_go_to_the_recorded_message_id() async throws {
        let standIn = try await DiscordStandIn()
        let adapter = try Self.adapter(standIn)
        guard case .delivered(let first) = await adapter.deliver(HookFixtures.message(channel: "discord")) else {
            Issue.record("publish failed")
            return
        }
        let id = try #require(first.remoteID)
        var corrected = HookFixtures.richPost
        corrected.body = "Le 21 juin, **plus de 350 concerts gratuits** dans toute la région 🎶 (programme mis à jour)."
        corrected.media = []
        let edit = await adapter.deliver(HookFixtures.message(corrected, action: .update, version: 2, channel: "discord", media: [], previous: first))
        #expect(edit == .delivered(Receipt(remoteID: id, url: first.url, httpStatus: 200)))
        let stored = try #require(standIn.state.withLock { $0.messages[id] })
        #expect(stored.content.contains("350 concerts"))
        #expect(stored.attachments.isEmpty, "this version has no image: the edit lists no attachment, so the old one goes")

        let delete = await adapter.deliver(HookFixtures.message(corrected, action: .retract, version: 3, channel: "discord", media: [], previous: first))
        #expect(delete == .delivered(Receipt(httpStatus: 204)))
        #expect(standIn.state.withLock { $0.messages.isEmpty })

        let requests = standIn.receiver.requests
        #expect(requests.map(\.method) == ["POST", "PATCH", "DELETE"])
        #expect(requests[1].path == "/api/webhooks/\(DiscordStandIn.webhookID)/\(DiscordStandIn.token)/messages/\(id)")
        #expect(requests[2].path == requests[1].path)
        #expect((requests[1].json?["attachments"] as? [Any])?.isEmpty == true)
        #expect(requests[2].body.isEmpty)
        await standIn.stop()
    }

    @Test func deleting_a_message_already_removed_by_hand_counts_as_done_and_editing_it_fails() async throws {
        let standIn = try await DiscordStandIn()
        let adapter = try Self.adapter(standIn, media: [])
        let gone = Receipt(remoteID: "1180000000000000999", url: nil)
        let delete = await adapter.deliver(HookFixtures.message(action: .retract, version: 2, channel: "discord", media: [], previous: gone))
        #expect(delete == .delivered(Receipt(httpStatus: 404)))
        let edit = await adapter.deliver(HookFixtures.message(action: .update, version: 2, channel: "discord", media: [], previous: gone))
        guard case .failed(let reason, 404) = edit else {
            Issue.record("expected a failure, got \(edit)")
            return
        }
        #expect(reason.contains("Unknown Message (code 10008)") && reason.contains("no longer exists"))
        await standIn.stop()
    }

    @Test func an_edit_or_delete_without_a_recorded_id_fails_without_sending() async throws {
        let standIn = try await DiscordStandIn()
        let adapter = try Self.adapter(standIn)
        for action in [PostAction.update, .retract] {
            guard case .failed(let reason, nil) = await adapter.deliver(HookFixtures.message(action: action, version: 2, channel: "discord")) else {
                Issue.record("expected a failure for \(action)")
                continue
            }
            #expect(reason.contains("no Discord message id was recorded"))
        }
        #expect(standIn.receiver.count == 0)
        await standIn.stop()
    }

    @Test func images_discord_would_refuse_fail_before_anything_is_sent() async throws {
        let standIn = try await DiscordStandIn()
        var big = HookFixtures.image
        big.size = 11 << 20
        var longAlt = HookFixtures.image
        longAlt.alt = String(repeating: "é", count: 1025)
        let many = (0..<11).map { index in
            var file = HookFixtures.image
            file.name = "image-\(index).png"
            return file
        }
        let cases: [([StoredMedia], String)] = [
            ([big], "affiche.png is 11 MiB; this Discord channel takes images up to 10 MiB (`max_file_mib`)"),
            ([longAlt], "has 1025 characters; Discord takes 1024 at most"),
            (many, "the post has 11 images; a Discord message takes at most 10"),
        ]
        for (media, expected) in cases {
            let adapter = try Self.adapter(standIn, media: media)
            let outcome = await adapter.deliver(HookFixtures.message(channel: "discord", media: media))
            guard case .failed(let reason, nil) = outcome else {
                Issue.record("expected a failure, got \(outcome)")
                continue
            }
            #expect(reason.contains(expected))
        }
        #expect(standIn.receiver.count == 0)
        await standIn.stop()
    }

    /// cmark-gfm once lost its autolinks when two posts were parsed at the same moment (the
    /// daemon renders for several channels at once): the same post must render the same.
    @Test func renders_the_same_message_when_many_deliveries_render_at_once() async {
        let expected = DiscordAdapter.content(for: HookFixtures.richPost).text
        let rendered = await withTaskGroup(of: String.self) { group in
            for _ in 0..<200 { group.addTask { DiscordAdapter.content(for: HookFixtures.richPost).text } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(rendered.allSatisfy { $0 == expected })
        #expect(expected.contains(HookFixtures.longURL))
    }
}
