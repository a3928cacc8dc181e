import CurlHTTP
import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorChannels
@testable import TrobadorCore

@Suite("Mastodon channel: the instance's answers become outcomes")
struct MastodonErrorTests {
    static let short = Post(id: "carte-jeune", body: "Trains liO à 1 € pour les 15-26 ans 🎟️ https://www.example.org/aides/carte-jeune", lang: "fr")

    func deliver(_ instance: MastodonStandIn, token: String? = nil, settings: [String: SettingValue] = [:], post: Post = short, media: [StoredMedia] = []) async throws -> DeliveryOutcome {
        let adapter = try MastodonFixture.adapter(instance, token: token, settings: settings, media: media)
        return await adapter.deliver(OccitanieRichPost.message(channel: "mastodon", post: post, media: media))
    }

    @Test func a_refused_token_fails_with_mastodons_message_and_never_shows_the_token() async throws {
        let instance = try await MastodonStandIn.start()
        let wrong = "wrong-token-SECRET-9876"
        let outcome = try await deliver(instance, token: wrong, post: OccitanieRichPost.post, media: [OccitanieRichPost.image])
        #expect(outcome == .failed(
            reason: "uploading image 1 of 1 (affiche.png): unauthorized (check the token): The access token is invalid", httpStatus: 401))
        #expect(!"\(outcome)".contains(wrong))
        #expect(instance.requests.count == 1, "nothing after the first refusal")
        let adapter = try MastodonFixture.adapter(instance, token: wrong)
        #expect(!"\(adapter)".contains(wrong) && !String(reflecting: adapter).contains(wrong))
        await instance.stop()
    }

    @Test func a_token_without_the_scope_fails_with_the_scope_error() async throws {
        let instance = try await MastodonStandIn.start()
        instance.failNext("POST", "/api/v1/statuses", with: .init(status: 403, body: #"{"error":"This action is outside the authorized scopes"}"#))
        let outcome = try await deliver(instance)
        #expect(outcome == .failed(
            reason: "the status: forbidden (check the token's permissions): This action is outside the authorized scopes", httpStatus: 403))
        await instance.stop()
    }

    @Test func a_status_over_the_instances_limit_fails_with_its_validation_error() async throws {
        // The channel claims 1000 characters; the instance allows 500 and says so.
        let instance = try await MastodonStandIn.start()
        let outcome = try await deliver(instance, settings: ["max_characters": .integer(1000)], post: OccitanieRichPost.post)
        guard case .failed(let reason, 422) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix("part 1 of "))
        #expect(reason.hasSuffix(": unprocessable content: Validation failed: Text character limit of 500 exceeded"))
        await instance.stop()
    }

    @Test func a_raised_instance_limit_is_used_when_configured() async throws {
        let instance = try await MastodonStandIn.start(maxCharacters: 5000)
        let outcome = try await deliver(instance, settings: ["max_characters": .integer(5000)], post: OccitanieRichPost.post)
        guard case .delivered(let receipt) = outcome else {
            Issue.record("expected delivered, got \(outcome)")
            return
        }
        #expect(receipt.parts.isEmpty)
        #expect(instance.statuses.count == 1)
        await instance.stop()
    }

    @Test func too_many_requests_is_retried_when_the_rate_limit_resets() async throws {
        let instance = try await MastodonStandIn.start()
        instance.failNext("POST", "/api/v1/statuses", with: MastodonStandIn.rateLimited(resetIn: 42))
        let outcome = try await deliver(instance)
        guard case .retry(let after?, let reason, 429, nil) = outcome else {
            Issue.record("expected a retry, got \(outcome)")
            return
        }
        #expect(after > .seconds(40) && after <= .seconds(42))
        #expect(reason == "the status: too many requests: Too many requests")
        await instance.stop()
    }

    @Test func server_errors_and_refused_connections_are_retried() async throws {
        let instance = try await MastodonStandIn.start()
        instance.failNext("POST", "/api/v1/statuses", with: .init(status: 502, headers: ["Content-Type": "text/html"], body: "<html>Bad Gateway</html>"))
        let outcome = try await deliver(instance)
        #expect(outcome == .retry(after: nil, reason: "the status: bad gateway: <html>Bad Gateway</html>", httpStatus: 502))
        instance.failNext("POST", "/api/v1/statuses", with: .init(status: 503, headers: ["Content-Type": "application/json", "Retry-After": "30"], body: #"{"error":"Remote data could not be fetched"}"#))
        #expect(try await deliver(instance) == .retry(after: .seconds(30), reason: "the status: service unavailable: Remote data could not be fetched", httpStatus: 503))
        await instance.stop()

        let channel = ChannelConfig(name: "mastodon", type: "mastodon", settings: [
            "url": .string("http://127.0.0.1:1"), "token": .secret(Secret("t", origin: "literal")),
        ])
        let closed = try MastodonChannelType().makeAdapter(for: channel, context: ChannelContext(http: CurlHTTPClient(), spoolDirectory: "/tmp"))
        guard case .retry(nil, let reason, nil, nil) = await closed.deliver(OccitanieRichPost.message(channel: "mastodon", post: Self.short, media: [])) else {
            Issue.record("a refused connection is retried")
            return
        }
        #expect(reason.hasPrefix("the status: "))
    }
}
