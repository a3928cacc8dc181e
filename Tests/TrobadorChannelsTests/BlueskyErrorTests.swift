import CurlHTTP
import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorChannels
@testable import TrobadorCore

@Suite("Bluesky channel: the PDS's answers become outcomes")
struct BlueskyErrorTests {
    static let short = MastodonErrorTests.short

    func deliver(_ pds: BlueskyPDSStandIn, password: String? = nil) async throws -> DeliveryOutcome {
        let adapter = try BlueskyFixture.adapter(pds, password: password, media: [])
        return await adapter.deliver(OccitanieRichPost.message(channel: "bluesky", post: Self.short, media: []))
    }

    @Test func a_refused_login_fails_with_the_pdss_words_and_never_the_password() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        let wrong = "wrong-app-password-SECRET"
        let outcome = try await deliver(pds, password: wrong)
        #expect(outcome == .failed(
            reason: "signing in as occitanie.bsky.social: AuthenticationRequired: Invalid identifier or password "
                + "(check `handle`, and that `password` is an app password of this account)",
            httpStatus: 401))
        #expect(!"\(outcome)".contains(wrong))
        #expect(pds.requests.count == 1)
        await pds.stop()
    }

    @Test func rate_limits_are_retried_when_the_window_resets() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        pds.failNext("com.atproto.server.createSession", with: BlueskyPDSStandIn.rateLimited(resetIn: 300))
        guard case .retry(let after?, let reason, 429, nil) = try await deliver(pds) else {
            Issue.record("expected a retry")
            return
        }
        #expect(after > .seconds(290) && after <= .seconds(300))
        #expect(reason == "signing in as occitanie.bsky.social: too many requests: RateLimitExceeded: Rate Limit Exceeded")

        pds.failNext("com.atproto.repo.createRecord", with: BlueskyPDSStandIn.rateLimited(resetIn: 60))
        guard case .retry(let later?, let why, 429, nil) = try await deliver(pds) else {
            Issue.record("expected a retry")
            return
        }
        #expect(later > .seconds(50) && later <= .seconds(60))
        #expect(why == "the post: too many requests: RateLimitExceeded: Rate Limit Exceeded")
        await pds.stop()
    }

    @Test func an_invalid_record_fails_with_the_validators_message() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        pds.failNext("com.atproto.repo.createRecord", with: BlueskyPDSStandIn.error(
            400, "InvalidRequest", "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes"))
        #expect(try await deliver(pds) == .failed(
            reason: "the post: bad request: InvalidRequest: Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes",
            httpStatus: 400))
        await pds.stop()
    }

    @Test func server_errors_are_retried_and_a_500_at_a_free_key_stays_a_retry() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        pds.failNext("com.atproto.repo.createRecord", with: .init(status: 503, headers: ["Content-Type": "text/plain"], body: "upstream unavailable"))
        #expect(try await deliver(pds) == .retry(after: nil, reason: "the post: service unavailable: upstream unavailable", httpStatus: 503))
        // A 500 may mean the key is taken; the record is looked up, and it is not there.
        pds.failNext("com.atproto.repo.createRecord", with: BlueskyPDSStandIn.error(500, "InternalServerError", "Internal Server Error"))
        #expect(try await deliver(pds) == .retry(
            after: nil, reason: "the post: internal server error: InternalServerError: Internal Server Error", httpStatus: 500))
        #expect(pds.records.isEmpty)
        await pds.stop()
    }

    @Test func a_refused_connection_is_retried() async throws {
        let adapter = try BlueskyFixture.adapter(url: "http://127.0.0.1:1", handle: "occitanie.bsky.social", password: "p", media: [])
        let outcome = await adapter.deliver(OccitanieRichPost.message(channel: "bluesky", post: Self.short, media: []))
        guard case .retry(nil, let reason, nil, nil) = outcome else {
            Issue.record("expected a retry, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix("signing in as occitanie.bsky.social: "))
    }

    @Test func no_outcome_or_preview_ever_shows_the_password_or_a_token() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        let adapter = try BlueskyFixture.adapter(pds)
        var shown: [String] = []
        shown.append("\(await adapter.deliver(OccitanieRichPost.message(channel: "bluesky")))")
        pds.expireAccessTokens()
        // The first create meets the expired token and the session is refreshed; the second is refused.
        pds.failNext("com.atproto.repo.createRecord", skip: 1, with: BlueskyPDSStandIn.error(400, "InvalidRequest", "nope"))
        shown.append("\(await adapter.deliver(OccitanieRichPost.message(channel: "bluesky", post: Self.short, media: [])))")
        for preview in adapter.preview(OccitanieRichPost.message(channel: "bluesky")) {
            shown.append(preview.purpose + preview.request.url + preview.request.headers.map(\.value).joined()
                + String(decoding: preview.request.body, as: UTF8.self))
        }
        shown.append("\(adapter)")
        #expect(pds.refreshes == 1)
        let secrets = [pds.password] + pds.issuedTokens
        #expect(secrets.count >= 5)
        for text in shown {
            for secret in secrets { #expect(!text.contains(secret)) }
        }
        await pds.stop()
    }
}
