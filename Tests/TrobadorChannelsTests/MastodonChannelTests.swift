import CurlHTTP
import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorChannels
@testable import TrobadorCore

/// A Mastodon channel set up from configuration, as the daemon does, against a stand-in.
enum MastodonFixture {
    static func adapter(
        _ instance: MastodonStandIn, token: String? = nil, settings extra: [String: SettingValue] = [:],
        media: [StoredMedia] = [OccitanieRichPost.image]
    ) throws -> MastodonAdapter {
        try adapter(url: instance.url + "/", token: token ?? instance.token, settings: extra, media: media)
    }

    static func adapter(
        url: String, token: String, settings extra: [String: SettingValue] = [:], media: [StoredMedia] = [OccitanieRichPost.image]
    ) throws -> MastodonAdapter {
        var settings: [String: SettingValue] = ["url": .string(url), "token": .secret(Secret(token, origin: "literal"))]
        settings.merge(extra) { $1 }
        let channel = ChannelConfig(name: "mastodon", type: "mastodon", settings: settings)
        let context = ChannelContext(http: CurlHTTPClient(), spoolDirectory: "/tmp", loadMedia: OccitanieRichPost.loadMedia(media))
        var adapter = try #require(try MastodonChannelType().makeAdapter(for: channel, context: context) as? MastodonAdapter)
        adapter.mediaPollInterval = .milliseconds(10)
        return adapter
    }

    static func statusPosts(_ instance: MastodonStandIn) -> [LoopbackReceiver.Received] {
        instance.requests.filter { $0.method == "POST" && $0.path == "/api/v1/statuses" }
    }
}

@Suite("Mastodon channel: publishing, against a stand-in instance")
struct MastodonChannelTests {
    @Test func the_rich_post_goes_out_as_a_numbered_thread_within_500_with_its_image_and_description() async throws {
        let instance = try await MastodonStandIn.start()
        let adapter = try MastodonFixture.adapter(instance)
        let message = OccitanieRichPost.message(channel: "mastodon")
        guard case .delivered(let receipt) = await adapter.deliver(message) else {
            Issue.record("expected delivered")
            return
        }
        let statuses = instance.statuses
        #expect(statuses.count >= 3)
        #expect(receipt.remoteID == statuses[0].id)
        #expect(receipt.url == "https://mastodon.example/@region/\(statuses[0].id)")
        #expect(receipt.parts == statuses.map(\.id))
        for (index, status) in statuses.enumerated() {
            #expect(MastodonStandIn.length(status.text) <= 500)
            #expect(status.text.hasSuffix(" \(index + 1)/\(statuses.count)"))
            #expect(status.inReplyTo == (index == 0 ? nil : statuses[index - 1].id))
            #expect(status.language == "fr")
            #expect(status.visibility == "public")
            #expect(status.mediaIDs.count == (index == 0 ? 1 : 0))
        }
        let all = statuses.map(\.text).joined(separator: "\n")
        for piece in [OccitanieRichPost.url, "🇫🇷", "Fête de la musique 2026", "#FeteDeLaMusique", "#Occitanie", "#Culture", "#musique"] {
            #expect(all.contains(piece), "\(piece) is in the thread")
        }
        #expect(!all.contains("**"), "Mastodon gets plain text")

        let media = try #require(instance.media.first)
        #expect(statuses[0].mediaIDs == [media.id])
        #expect(media.description == OccitanieRichPost.alt)
        #expect(media.filename == "affiche.png")
        #expect(media.contentType == "image/png")
        #expect(media.size == OccitanieRichPost.imageBytes.count)

        let posts = MastodonFixture.statusPosts(instance)
        #expect(instance.requests.first?.path == "/api/v2/media", "the image goes up before the status that shows it")
        #expect(posts.map { $0.header("idempotency-key") } == statuses.indices.map { message.idempotencyKey + "-\($0 + 1)" })
        #expect(instance.requests.allSatisfy { $0.header("authorization") == "Bearer " + instance.token })
        await instance.stop()
    }

    @Test func a_resend_of_the_same_message_gets_the_same_statuses_back_by_idempotency_key() async throws {
        let instance = try await MastodonStandIn.start()
        let adapter = try MastodonFixture.adapter(instance)
        let first = await adapter.deliver(OccitanieRichPost.message(channel: "mastodon", attempt: 1))
        let count = instance.statuses.count
        // As after a crash before the outcome was stored: no progress, same key.
        let second = await adapter.deliver(OccitanieRichPost.message(channel: "mastodon", attempt: 2))
        #expect(second == first)
        #expect(instance.statuses.count == count)
        await instance.stop()
    }

    @Test func a_thread_interrupted_by_a_503_goes_on_from_its_progress_without_reposting() async throws {
        let instance = try await MastodonStandIn.start()
        instance.failNext("POST", "/api/v1/statuses", skip: 1, with: .init(status: 503, headers: ["Content-Type": "text/html"], body: "<h1>503</h1>"))
        let adapter = try MastodonFixture.adapter(instance)
        let outcome = await adapter.deliver(OccitanieRichPost.message(channel: "mastodon"))
        let firstID = try #require(instance.statuses.first?.id)
        guard case .retry(nil, let reason, 503, let progress?) = outcome else {
            Issue.record("expected a retry with progress, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix("part 2 of "))
        #expect(progress.remoteID == firstID)
        #expect(progress.parts == [firstID])

        let before = instance.requests.count
        let resumed = await adapter.deliver(OccitanieRichPost.message(channel: "mastodon", attempt: 2, progress: progress))
        guard case .delivered(let receipt) = resumed else {
            Issue.record("expected delivered, got \(resumed)")
            return
        }
        let statuses = instance.statuses
        #expect(receipt.parts == statuses.map(\.id))
        #expect(receipt.remoteID == firstID)
        #expect(receipt.url == "https://mastodon.example/@region/\(firstID)")
        #expect(statuses[1].inReplyTo == firstID)
        let second = instance.requests.dropFirst(before)
        #expect(second.allSatisfy { $0.path == "/api/v1/statuses" }, "no new upload, no repost of part 1")
        #expect(second.count == statuses.count - 1)
        await instance.stop()
    }

    @Test func an_image_still_processing_is_polled_until_ready_before_the_status() async throws {
        let instance = try await MastodonStandIn.start(processingPolls: 2)
        let adapter = try MastodonFixture.adapter(instance)
        let outcome = await adapter.deliver(OccitanieRichPost.message(channel: "mastodon"))
        guard case .delivered = outcome else {
            Issue.record("expected delivered, got \(outcome)")
            return
        }
        #expect(Array(instance.requests.prefix(3).map { "\($0.method) \($0.path)" })
            == ["POST /api/v2/media", "GET /api/v1/media/\(instance.media[0].id)", "GET /api/v1/media/\(instance.media[0].id)"])
        #expect(instance.statuses[0].mediaIDs == [instance.media[0].id])
        await instance.stop()
    }

    @Test func an_image_processed_too_slowly_is_retried_later_before_any_status() async throws {
        let instance = try await MastodonStandIn.start(processingPolls: 50)
        var adapter = try MastodonFixture.adapter(instance)
        adapter.mediaPollLimit = 3
        let outcome = await adapter.deliver(OccitanieRichPost.message(channel: "mastodon"))
        guard case .retry(nil, let reason, 206, nil) = outcome else {
            Issue.record("expected a retry, got \(outcome)")
            return
        }
        #expect(reason.contains("still processing"))
        #expect(instance.statuses.isEmpty)
        await instance.stop()
    }

    @Test func images_mastodon_would_refuse_fail_before_any_request() async throws {
        let instance = try await MastodonStandIn.start()
        let adapter = try MastodonFixture.adapter(instance)
        var big = OccitanieRichPost.image
        big.size = 17 * 1024 * 1024
        var tiff = OccitanieRichPost.image
        tiff.contentType = "image/tiff"
        var wordy = OccitanieRichPost.image
        wordy.alt = String(repeating: "é", count: 1501)
        let cases: [([StoredMedia], String)] = [
            ([big], "Mastodon accepts images up to 16777216 bytes"),
            ([tiff], "image/tiff; Mastodon takes JPEG, PNG, GIF or WebP"),
            (Array(repeating: OccitanieRichPost.image, count: 5), "at most 4"),
            ([wordy], "1501 characters; Mastodon accepts at most 1500"),
        ]
        for (media, expected) in cases {
            let outcome = await adapter.deliver(OccitanieRichPost.message(channel: "mastodon", media: media))
            guard case .failed(let reason, nil) = outcome else {
                Issue.record("expected a failure, got \(outcome)")
                continue
            }
            #expect(reason.contains(expected))
        }
        #expect(instance.requests.isEmpty)
        await instance.stop()
    }

    @Test func visibility_comes_from_the_configuration_and_a_wrong_one_is_refused_at_setup() async throws {
        let instance = try await MastodonStandIn.start()
        let adapter = try MastodonFixture.adapter(instance, settings: ["visibility": .string("unlisted")])
        _ = await adapter.deliver(OccitanieRichPost.message(channel: "mastodon", media: []))
        #expect(instance.statuses.allSatisfy { $0.visibility == "unlisted" })
        #expect(throws: ChannelSetupError.self) { try MastodonFixture.adapter(instance, settings: ["visibility": .string("friends")]) }
        #expect(throws: ChannelSetupError.self) { try MastodonFixture.adapter(instance, settings: ["max_characters": .integer(20)]) }
        await instance.stop()
    }
}
