import CurlHTTP
import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorChannels
@testable import TrobadorCore

@Suite("discord channel: errors, rate limits and preview")
struct DiscordErrorTests {
    @Test func discords_answers_become_outcomes_in_discords_words() async throws {
        let standIn = try await DiscordStandIn()
        let good = try DiscordChannelTests.adapter(standIn, media: [])
        let wrongToken = try HookFixtures.adapter(
            DiscordChannelType(), settings: ["url": HookFixtures.secret(standIn.receiver.url + "/api/webhooks/\(DiscordStandIn.webhookID)/stale-token-0123456789")], media: [])
        let deleted = try HookFixtures.adapter(
            DiscordChannelType(), settings: ["url": HookFixtures.secret(standIn.receiver.url + "/api/webhooks/1180000000000000002/\(DiscordStandIn.token)")], media: [])
        var tooLong = HookFixtures.richPost
        tooLong.media = []
        let message = HookFixtures.message(tooLong, channel: "discord", media: [])

        guard case .failed(let unknown, 404) = await deleted.deliver(message) else { Issue.record("Unknown Webhook must fail"); return }
        #expect(unknown.hasPrefix("Discord: Unknown Webhook (code 10015); the webhook was deleted or the channel's `url` is wrong"))
        guard case .failed(let token, 401) = await wrongToken.deliver(message) else { Issue.record("a wrong token must fail"); return }
        #expect(token.contains("Invalid Webhook Token (code 50027)"))

        standIn.state.withLock {
            $0.scripted = [
                HookFixtures.jsonAnswer(
                    ["message": "You are being rate limited.", "retry_after": 0.529, "global": false], status: 429,
                    headers: ["Retry-After": "1", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "0.529"]),
                HookFixtures.jsonAnswer(["message": "Invalid Form Body", "code": 50035, "errors": ["content": ["_errors": [["code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."]]]]], status: 400),
                HookFixtures.jsonAnswer(["content": ["Must be 2000 or fewer in length."]], status: 400),
                HookFixtures.jsonAnswer(["message": "Request entity too large", "code": 40005], status: 413),
                .init(status: 502, headers: ["Content-Type": "text/html"], body: "<html>Bad Gateway</html>"),
            ]
        }
        let limited = await good.deliver(message)
        #expect(limited == .retry(after: .milliseconds(529), reason: "Discord rate limited this webhook (retry after 0.5 s)", httpStatus: 429))
        guard case .failed(let form, 400) = await good.deliver(message) else { Issue.record("Invalid Form Body must fail"); return }
        #expect(form == "Discord: Invalid Form Body (code 50035): content: Must be 2000 or fewer in length.")
        guard case .failed(let legacy, 400) = await good.deliver(message) else { Issue.record("a legacy field error must fail"); return }
        #expect(legacy.contains("content: Must be 2000 or fewer in length."), "older API versions answer field errors at the top level")
        guard case .failed(let large, 413) = await good.deliver(message) else { Issue.record("413 must fail"); return }
        #expect(large.contains("Request entity too large (code 40005)") && large.contains("`max_file_mib`"))
        guard case .retry(nil, let gateway, 502, nil) = await good.deliver(message) else { Issue.record("502 must be retried"); return }
        #expect(gateway.hasPrefix("bad gateway"))
        await standIn.stop()
    }

    @Test func an_empty_bucket_in_the_headers_holds_the_next_request_until_reset_after() async throws {
        let standIn = try await DiscordStandIn()
        standIn.state.withLock {
            $0.bucket = DiscordStandIn.Bucket(limit: 2, window: .milliseconds(600), remaining: 2, resetsAt: .now)
        }
        let adapter = try DiscordChannelTests.adapter(standIn, media: [])
        var post = HookFixtures.richPost
        post.media = []
        for _ in 0..<5 {
            #expect(await adapter.deliver(HookFixtures.message(post, channel: "discord", media: [])).httpStatus == 200)
        }
        #expect(standIn.state.withLock { $0.rateLimited } == 0, "no request met a 429: each waited for the bucket to refill")
        let times = standIn.receiver.requests.map(\.at)
        #expect(times.count == 5)
        #expect(times[2].timeIntervalSince(times[1]) > 0.3, "the third request waited for Reset-After")
        await standIn.stop()
    }

    @Test func a_429_makes_the_webhooks_other_deliveries_wait_too() async throws {
        let standIn = try await DiscordStandIn()
        standIn.state.withLock {
            $0.scripted = [HookFixtures.jsonAnswer(["message": "You are being rate limited.", "retry_after": 0.4, "global": false], status: 429)]
        }
        let adapter = try DiscordChannelTests.adapter(standIn, media: [])
        let message = HookFixtures.message(channel: "discord", media: [])
        #expect(await adapter.deliver(message).httpStatus == 429)
        let start = ContinuousClock.now
        #expect(await adapter.deliver(message).httpStatus == 200)
        #expect(ContinuousClock.now - start > .milliseconds(300))
        await standIn.stop()
    }

    @Test func preview_shows_the_same_request_with_the_token_redacted_and_the_length_in_code_points() async throws {
        let standIn = try await DiscordStandIn()
        let adapter = try DiscordChannelTests.adapter(standIn)
        let publish = adapter.preview(HookFixtures.message(channel: "discord"))
        let request = try #require(publish.first?.request)
        #expect(publish.count == 1)
        #expect(request.url == standIn.receiver.url + "/api/webhooks/\(DiscordStandIn.webhookID)/***?wait=true")
        #expect(publish[0].length == TextLength(
            count: DiscordAdapter.content(for: HookFixtures.richPost).text.unicodeScalars.count, limit: 2000, unit: "code points"))
        #expect(publish[0].purpose.contains("with 1 image and alt text"))
        let parts = try #require(FormPart.parse(Data(request.body), contentType: request.headers.first { $0.name == "Content-Type" }?.value))
        #expect(HookFixtures.json(parts[0].content)?["content"] as? String == DiscordAdapter.content(for: HookFixtures.richPost).text)
        #expect(parts[1].text == "{\(HookFixtures.png.count) bytes of image/png, affiche.png}")

        let edit = adapter.preview(HookFixtures.message(action: .update, version: 2, channel: "discord", previous: Receipt(remoteID: "42")))
        #expect(edit.first?.request.method == "PATCH")
        #expect(edit.first?.request.url.hasSuffix("/***/messages/42") == true)
        let delete = adapter.preview(HookFixtures.message(action: .retract, version: 2, channel: "discord", previous: Receipt(remoteID: "42")))
        #expect(delete.first?.request.method == "DELETE")
        #expect(delete.first?.length == nil)

        // Nothing an operator can read holds the token: previews, and every outcome reason.
        let outcomes = [
            await adapter.deliver(HookFixtures.message(channel: "discord")),
            await adapter.deliver(HookFixtures.message(action: .update, version: 2, channel: "discord")),
            await adapter.deliver(HookFixtures.message(action: .update, version: 2, channel: "discord", previous: Receipt(remoteID: "7"))),
        ]
        let visible = HookFixtures.visibleText(outcomes: outcomes, previews: publish + edit + delete)
        #expect(!visible.contains(DiscordStandIn.token))
        await standIn.stop()
    }

    @Test func a_webhook_url_with_a_query_or_a_thread_id_that_is_not_a_number_is_refused_at_setup() {
        #expect(throws: ChannelSetupError.self) {
            try HookFixtures.adapter(DiscordChannelType(), settings: ["url": HookFixtures.secret("https://discord.com/api/webhooks/1/abc?wait=true")])
        }
        #expect(throws: ChannelSetupError.self) {
            try HookFixtures.adapter(DiscordChannelType(), settings: ["url": HookFixtures.secret("https://discord.com/api/webhooks/1/abc"), "thread_id": .string("général")])
        }
    }
}
