import CurlHTTP
import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorChannels
@testable import TrobadorCore

/// A Bluesky channel set up from configuration, as the daemon does, against a stand-in PDS.
enum BlueskyFixture {
    static func adapter(_ pds: BlueskyPDSStandIn, password: String? = nil, media: [StoredMedia] = [OccitanieRichPost.image]) throws -> BlueskyAdapter {
        try adapter(url: pds.url, handle: pds.handle, password: password ?? pds.password, media: media)
    }

    static func adapter(url: String, handle: String, password: String, media: [StoredMedia] = [OccitanieRichPost.image]) throws -> BlueskyAdapter {
        let channel = ChannelConfig(name: "bluesky", type: "bluesky", settings: [
            "url": .string(url), "handle": .string(handle), "password": .secret(Secret(password, origin: "literal")),
        ])
        let context = ChannelContext(http: CurlHTTPClient(), spoolDirectory: "/tmp", loadMedia: OccitanieRichPost.loadMedia(media))
        return try #require(try BlueskyChannelType().makeAdapter(for: channel, context: context) as? BlueskyAdapter)
    }

    /// The text a facet covers, read from the UTF-8 bytes as Bluesky does.
    static func covered(_ facet: BlueskyPDSStandIn.SeenFacet, in text: String) -> String? {
        let bytes = Array(text.utf8)
        guard facet.byteStart >= 0, facet.byteStart < facet.byteEnd, facet.byteEnd <= bytes.count else { return nil }
        return String(validating: bytes[facet.byteStart..<facet.byteEnd], as: UTF8.self)
    }

    static func calls(_ pds: BlueskyPDSStandIn, _ nsid: String) -> [LoopbackReceiver.Received] {
        pds.requests.filter { $0.path == "/xrpc/" + nsid }
    }
}

@Suite("Bluesky channel: publishing, against a stand-in PDS")
struct BlueskyChannelTests {
    @Test func the_rich_post_goes_out_as_a_thread_within_300_graphemes_with_exact_facets_and_the_image_alt() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        let adapter = try BlueskyFixture.adapter(pds)
        let outcome = await adapter.deliver(OccitanieRichPost.message(channel: "bluesky"))
        guard case .delivered(let receipt) = outcome else {
            Issue.record("expected delivered, got \(outcome)")
            return
        }
        let records = pds.records
        #expect(records.count >= 5)
        #expect(receipt.remoteID == records[0].uri)
        #expect(receipt.url == "https://bsky.app/profile/occitanie.bsky.social/post/\(records[0].rkey)")
        #expect(receipt.parts == records.map(\.uri))
        var tags: [String] = []
        var links: [String] = []
        for (index, record) in records.enumerated() {
            #expect(record.text.count <= 300)
            #expect(record.text.hasSuffix(" \(index + 1)/\(records.count)"))
            #expect(record.langs == ["fr"])
            #expect(BlueskyPDSStandIn.isTID(record.rkey))
            #expect(record.replyRoot == (index == 0 ? nil : records[0].uri))
            #expect(record.replyParent == (index == 0 ? nil : records[index - 1].uri))
            #expect(record.images.count == (index == 0 ? 1 : 0))
            for facet in record.facets {
                let covered = BlueskyFixture.covered(facet, in: record.text)
                if facet.kind == "link" {
                    #expect(covered == facet.value, "a link facet covers exactly its URL")
                    links.append(facet.value)
                } else {
                    #expect(covered == "#" + facet.value, "a tag facet covers exactly its hashtag")
                    tags.append(facet.value)
                }
            }
        }
        #expect(links.contains(OccitanieRichPost.url))
        #expect(Set(["FeteDeLaMusique", "Occitanie", "Culture", "musique"]).isSubset(of: Set(tags)))
        let all = records.map(\.text).joined(separator: "\n")
        #expect(all.contains("🇫🇷") && all.contains("Fête de la musique 2026") && !all.contains("**"))

        let image = try #require(records[0].images.first)
        #expect(image == BlueskyPDSStandIn.SeenImage(
            cid: image.cid, alt: OccitanieRichPost.alt, mimeType: "image/png", size: OccitanieRichPost.imageBytes.count))
        let upload = try #require(BlueskyFixture.calls(pds, "com.atproto.repo.uploadBlob").first)
        #expect(upload.header("content-type") == "image/png")
        #expect(Array(upload.body) == OccitanieRichPost.imageBytes)

        #expect(pds.sessionsCreated == 1)
        #expect(pds.requests.first?.path == "/xrpc/com.atproto.server.createSession")
        #expect(pds.requests.dropFirst().allSatisfy { $0.header("authorization")?.hasPrefix("Bearer access-") == true })
        await pds.stop()
    }

    @Test func one_session_serves_every_delivery_and_an_expired_token_is_refreshed_once() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        let adapter = try BlueskyFixture.adapter(pds, media: [])
        let first = Post(id: "carte-jeune", body: "Trains liO à 1 € pour les 15-26 ans 🎟️ #Jeunesse", lang: "fr")
        let second = Post(id: "pont-du-gard", body: "L'automne au pont du Gard 🍂 #Tourisme", lang: "fr")
        let third = Post(id: "fete", body: "Fête de la musique 🎶 #Culture", lang: "fr")
        for post in [first, second] {
            guard case .delivered = await adapter.deliver(OccitanieRichPost.message(channel: "bluesky", post: post, media: [])) else {
                Issue.record("expected delivered")
                return
            }
        }
        #expect(pds.sessionsCreated == 1)

        pds.expireAccessTokens()
        guard case .delivered = await adapter.deliver(OccitanieRichPost.message(channel: "bluesky", post: third, media: [])) else {
            Issue.record("an expired token is refreshed within the delivery")
            return
        }
        #expect(pds.sessionsCreated == 1)
        #expect(pds.refreshes == 1)
        #expect(pds.records.count == 3)
        let refresh = try #require(BlueskyFixture.calls(pds, "com.atproto.server.refreshSession").first)
        #expect(refresh.header("authorization") == "Bearer refresh-1-eyJhbGciOiJIUzI1NiJ9")
        await pds.stop()
    }

    @Test func a_revoked_refresh_token_leads_to_a_new_login() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        let adapter = try BlueskyFixture.adapter(pds, media: [])
        _ = await adapter.deliver(OccitanieRichPost.message(channel: "bluesky", post: MastodonErrorTests.short, media: []))
        pds.expireAccessTokens()
        pds.failNext("com.atproto.server.refreshSession", with: BlueskyPDSStandIn.error(400, "ExpiredToken", "Token has been revoked"))
        let outcome = await adapter.deliver(OccitanieRichPost.message(channel: "bluesky", post: MastodonEditDeleteTests.short, media: []))
        guard case .delivered = outcome else {
            Issue.record("expected delivered, got \(outcome)")
            return
        }
        #expect(pds.sessionsCreated == 2)
        await pds.stop()
    }

    @Test func an_access_token_the_pds_no_longer_knows_is_renewed_too() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        let adapter = try BlueskyFixture.adapter(pds, media: [])
        _ = await adapter.deliver(OccitanieRichPost.message(channel: "bluesky", post: MastodonErrorTests.short, media: []))
        pds.revokeAccessTokens()
        let outcome = await adapter.deliver(OccitanieRichPost.message(channel: "bluesky", post: MastodonEditDeleteTests.short, media: []))
        guard case .delivered = outcome else {
            Issue.record("expected delivered, got \(outcome)")
            return
        }
        #expect(pds.refreshes == 1)
        #expect(pds.sessionsCreated == 1)
        await pds.stop()
    }

    @Test(arguments: [BlueskyPDSStandIn.TakenKeyAnswer.internalServerError, .recordAlreadyExists])
    func a_resend_after_a_crash_finds_its_own_records_instead_of_posting_twice(_ taken: BlueskyPDSStandIn.TakenKeyAnswer) async throws {
        let pds = try await BlueskyPDSStandIn.start(takenKey: taken)
        let adapter = try BlueskyFixture.adapter(pds)
        let first = await adapter.deliver(OccitanieRichPost.message(channel: "bluesky", attempt: 1))
        let count = pds.records.count
        // The outcome was lost in a crash: same message, no progress.
        let second = await adapter.deliver(OccitanieRichPost.message(channel: "bluesky", attempt: 2))
        #expect(second == first)
        #expect(pds.records.count == count)
        #expect(BlueskyFixture.calls(pds, "com.atproto.repo.getRecord").count == count)
        await pds.stop()
    }

    @Test func a_record_key_holding_another_post_fails_rather_than_claiming_it() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        let adapter = try BlueskyFixture.adapter(pds, media: [])
        let message = OccitanieRichPost.message(channel: "bluesky", post: MastodonErrorTests.short, media: [])
        _ = await adapter.deliver(message)
        var other = message
        other.post.body = "Un tout autre texte."
        let outcome = await adapter.deliver(other)
        guard case .failed(let reason, 500) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(reason.contains("already holds another post"))
        #expect(pds.records.count == 1)
        await pds.stop()
    }

    @Test func a_thread_interrupted_part_way_goes_on_from_its_progress() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        pds.failNext("com.atproto.repo.createRecord", skip: 2, with: .init(status: 502, headers: ["Content-Type": "text/html"], body: "<h1>502 Bad Gateway</h1>"))
        let adapter = try BlueskyFixture.adapter(pds)
        let outcome = await adapter.deliver(OccitanieRichPost.message(channel: "bluesky"))
        let published = pds.records.map(\.uri)
        guard case .retry(nil, let reason, 502, let progress?) = outcome else {
            Issue.record("expected a retry with progress, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix("part 3 of "))
        #expect(progress.parts == published)
        #expect(published.count == 2)

        let before = pds.requests.count
        let resumed = await adapter.deliver(OccitanieRichPost.message(channel: "bluesky", attempt: 2, progress: progress))
        guard case .delivered(let receipt) = resumed else {
            Issue.record("expected delivered, got \(resumed)")
            return
        }
        let records = pds.records
        #expect(receipt.parts == records.map(\.uri))
        #expect(records[2].replyRoot == published[0] && records[2].replyParent == published[1])
        let calls = pds.requests.dropFirst(before).map { String($0.path.dropFirst("/xrpc/com.atproto.".count)) }
        #expect(calls == ["repo.getRecord", "repo.getRecord"] + Array(repeating: "repo.createRecord", count: records.count - 2),
                "reads back the root and parent, no new upload, no repost")
        await pds.stop()
    }

    @Test func images_bluesky_would_refuse_fail_before_signing_in() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        let adapter = try BlueskyFixture.adapter(pds)
        var big = OccitanieRichPost.image
        big.size = 1_000_001
        var tiff = OccitanieRichPost.image
        tiff.contentType = "image/tiff"
        let cases: [([StoredMedia], String)] = [
            ([big], "1000001 bytes; Bluesky accepts images up to 1000000 bytes"),
            ([tiff], "image/tiff; Bluesky takes JPEG, PNG, WebP or GIF"),
            (Array(repeating: OccitanieRichPost.image, count: 5), "embeds at most 4"),
        ]
        for (media, expected) in cases {
            let outcome = await adapter.deliver(OccitanieRichPost.message(channel: "bluesky", media: media))
            guard case .failed(let reason, nil) = outcome else {
                Issue.record("expected a failure, got \(outcome)")
                continue
            }
            #expect(reason.contains(expected))
        }
        #expect(pds.requests.isEmpty)
        await pds.stop()
    }
}
