import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorChannels
@testable import TrobadorCore

@Suite("Mastodon channel: edits and deletions go to the recorded statuses")
struct MastodonEditDeleteTests {
    static let short = Post(
        id: "fete-musique-2026", title: "Fête de la musique 2026", body: "Plus de 350 concerts gratuits 🎶 #FeteDeLaMusique",
        lang: "fr")

    func publish(_ adapter: MastodonAdapter, _ post: Post = OccitanieRichPost.post, media: [StoredMedia] = [OccitanieRichPost.image]) async throws -> Receipt {
        guard case .delivered(let receipt) = await adapter.deliver(OccitanieRichPost.message(channel: "mastodon", post: post, media: media)) else {
            throw CocoaError(.featureUnsupported)
        }
        return receipt
    }

    @Test func a_shorter_version_edits_the_first_status_and_deletes_the_rest_of_the_thread() async throws {
        let instance = try await MastodonStandIn.start()
        let adapter = try MastodonFixture.adapter(instance)
        let published = try await publish(adapter)
        #expect(published.parts.count >= 3)
        let before = instance.requests.count

        let update = OccitanieRichPost.message(channel: "mastodon", post: Self.short, action: .update, version: 2, media: [], previous: published)
        let outcome = await adapter.deliver(update)
        #expect(outcome == .delivered(Receipt(remoteID: published.remoteID, url: published.url, httpStatus: 200)))
        let requests = instance.requests.dropFirst(before).map { "\($0.method) \($0.path)" }
        #expect(requests == ["PUT /api/v1/statuses/\(published.parts[0])"]
            + published.parts.dropFirst().reversed().map { "DELETE /api/v1/statuses/\($0)" })
        let remaining = try #require(instance.statuses.first)
        #expect(instance.statuses.count == 1)
        #expect(remaining.text.contains("350 concerts"))
        #expect(remaining.edits == 1)
        #expect(remaining.mediaIDs.isEmpty, "the new version has no image, so the edit removes it")
        await instance.stop()
    }

    @Test func a_longer_version_edits_the_status_and_posts_the_new_parts_as_replies() async throws {
        let instance = try await MastodonStandIn.start()
        let adapter = try MastodonFixture.adapter(instance)
        let published = try await publish(adapter, Self.short, media: [])
        let single = try #require(published.remoteID)
        #expect(published.parts.isEmpty)

        let update = OccitanieRichPost.message(channel: "mastodon", action: .update, version: 2, previous: published)
        guard case .delivered(let receipt) = await adapter.deliver(update) else {
            Issue.record("expected delivered")
            return
        }
        let statuses = instance.statuses
        #expect(statuses.count >= 3)
        #expect(receipt.remoteID == single)
        #expect(receipt.parts == statuses.map(\.id))
        #expect(statuses[0].id == single && statuses[0].edits == 1)
        #expect(statuses[0].mediaIDs.count == 1, "the new version's image is attached by the edit")
        #expect(statuses[1].inReplyTo == single)
        #expect(statuses.allSatisfy { MastodonStandIn.length($0.text) <= 500 })
        let keys = MastodonFixture.statusPosts(instance).dropFirst().compactMap { $0.header("idempotency-key") }
        #expect(keys.first == update.idempotencyKey + "-2", "new parts carry the update's key and their number")
        await instance.stop()
    }

    @Test func retract_deletes_every_status_last_first_and_one_already_gone_counts_as_deleted() async throws {
        let instance = try await MastodonStandIn.start()
        let adapter = try MastodonFixture.adapter(instance)
        let published = try await publish(adapter)
        instance.failNext("DELETE", "/api/v1/statuses/\(published.parts[1])", with: .init(status: 404, body: #"{"error":"Record not found"}"#))
        let before = instance.requests.count

        let retract = OccitanieRichPost.message(channel: "mastodon", action: .retract, version: 2, media: [], previous: published)
        let outcome = await adapter.deliver(retract)
        #expect(outcome == .delivered(Receipt(remoteID: published.remoteID, url: published.url, httpStatus: 200, parts: published.parts)))
        #expect(instance.requests.dropFirst(before).map(\.path) == published.parts.reversed().map { "/api/v1/statuses/\($0)" })
        #expect(instance.statuses.count == 1, "the one the stand-in answered 404 for stays, as if deleted elsewhere")
        await instance.stop()
    }

    @Test func a_404_that_is_not_mastodons_fails_instead_of_counting_as_deleted() async throws {
        let instance = try await MastodonStandIn.start()
        let adapter = try MastodonFixture.adapter(instance)
        let published = try await publish(adapter, Self.short, media: [])
        instance.failNext("DELETE", "/api/v1/statuses/", with: .init(status: 404, headers: ["Content-Type": "text/html"], body: "<h1>Not Found</h1>"))
        let outcome = await adapter.deliver(OccitanieRichPost.message(channel: "mastodon", action: .retract, version: 2, media: [], previous: published))
        guard case .failed(let reason, 404) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix("deleting the status: not found (check the channel's url)"))
        await instance.stop()
    }

    @Test func without_a_recorded_status_nothing_is_sent_and_the_reason_says_so() async throws {
        let instance = try await MastodonStandIn.start()
        let adapter = try MastodonFixture.adapter(instance)
        for action in [PostAction.update, .retract] {
            let outcome = await adapter.deliver(OccitanieRichPost.message(channel: "mastodon", action: action, version: 2))
            guard case .failed(let reason, nil) = outcome else {
                Issue.record("expected a failure, got \(outcome)")
                continue
            }
            #expect(reason.contains("no Mastodon status id was recorded"))
        }
        #expect(instance.requests.isEmpty)
        await instance.stop()
    }
}
