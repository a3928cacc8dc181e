import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorChannels
@testable import TrobadorCore

@Suite("Bluesky channel: updates replace the posts, retractions delete them")
struct BlueskyEditDeleteTests {
    func publish(_ adapter: BlueskyAdapter) async throws -> Receipt {
        guard case .delivered(let receipt) = await adapter.deliver(OccitanieRichPost.message(channel: "bluesky")) else {
            throw CocoaError(.featureUnsupported)
        }
        return receipt
    }

    @Test func an_update_deletes_the_published_thread_then_publishes_the_new_version_under_new_keys() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        let adapter = try BlueskyFixture.adapter(pds)
        let published = try await publish(adapter)
        let oldKeys = pds.records.map(\.rkey)
        let before = pds.requests.count

        let update = OccitanieRichPost.message(
            channel: "bluesky", post: MastodonEditDeleteTests.short, action: .update, version: 2, media: [], previous: published)
        guard case .delivered(let receipt) = await adapter.deliver(update) else {
            Issue.record("expected delivered")
            return
        }
        let record = try #require(pds.records.first)
        #expect(pds.records.count == 1)
        #expect(record.text.contains("350 concerts"))
        #expect(!oldKeys.contains(record.rkey))
        #expect(receipt == Receipt(remoteID: record.uri, url: "https://bsky.app/profile/occitanie.bsky.social/post/\(record.rkey)", httpStatus: 200))
        #expect(pds.deleted == oldKeys.reversed())
        let calls = pds.requests.dropFirst(before).map(\.path)
        #expect(calls == Array(repeating: "/xrpc/com.atproto.repo.deleteRecord", count: oldKeys.count) + ["/xrpc/com.atproto.repo.createRecord"])
        await pds.stop()
    }

    @Test func an_update_interrupted_after_the_deletions_publishes_on_the_next_attempt() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        let adapter = try BlueskyFixture.adapter(pds)
        let published = try await publish(adapter)
        pds.failNext("com.atproto.repo.createRecord", with: BlueskyPDSStandIn.rateLimited(resetIn: 60))
        let update = OccitanieRichPost.message(
            channel: "bluesky", post: MastodonEditDeleteTests.short, action: .update, version: 2, media: [], previous: published)
        guard case .retry(_?, _, 429, nil) = await adapter.deliver(update) else {
            Issue.record("expected a retry without progress")
            return
        }
        #expect(pds.records.isEmpty)
        guard case .delivered = await adapter.deliver(update) else {
            Issue.record("expected delivered")
            return
        }
        #expect(pds.records.count == 1, "deleting again what is gone is a no-op")
        await pds.stop()
    }

    @Test func retract_deletes_every_post_last_first() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        let adapter = try BlueskyFixture.adapter(pds)
        let published = try await publish(adapter)
        let keys = pds.records.map(\.rkey)
        let retract = OccitanieRichPost.message(channel: "bluesky", action: .retract, version: 2, media: [], previous: published)
        let outcome = await adapter.deliver(retract)
        #expect(outcome == .delivered(Receipt(remoteID: published.remoteID, url: published.url, httpStatus: 200, parts: published.parts)))
        #expect(pds.records.isEmpty)
        #expect(pds.deleted == keys.reversed())
        let bodies = BlueskyFixture.calls(pds, "com.atproto.repo.deleteRecord").compactMap(\.json)
        #expect(bodies.allSatisfy { $0["repo"] as? String == pds.did && $0["collection"] as? String == "app.bsky.feed.post" })
        await pds.stop()
    }

    @Test func without_a_recorded_post_nothing_is_sent_and_the_reason_says_so() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        let adapter = try BlueskyFixture.adapter(pds)
        for action in [PostAction.update, .retract] {
            let outcome = await adapter.deliver(OccitanieRichPost.message(channel: "bluesky", action: action, version: 2))
            guard case .failed(let reason, nil) = outcome else {
                Issue.record("expected a failure, got \(outcome)")
                continue
            }
            #expect(reason.contains("no Bluesky post was recorded"))
        }
        #expect(pds.requests.isEmpty)
        await pds.stop()
    }
}
