import CurlHTTP
import Foundation
import Testing
import TrobadorCore
import TrobadorTestSupport
@testable import TrobadorPlugins

@Suite("slack plugin, against a stand-in incoming webhook")
struct SlackPluginTests {
    static func adapter(_ standIn: SlackStandIn, url: String? = nil) throws -> any ChannelAdapter {
        try HookFixtures.adapter("slack", name: "slack", settings: ["url": HookFixtures.secret(url ?? standIn.url)])
    }

    @Test func posts_the_rich_french_post_as_mrkdwn_with_its_link_unfurled_and_no_image() async throws {
        let standIn = try await SlackStandIn()
        let outcome = await (try Self.adapter(standIn)).deliver(HookFixtures.message(channel: "slack"))
        #expect(outcome == .delivered(Receipt(httpStatus: 200)), "Slack gives no message id")

        let request = try #require(standIn.receiver.requests.first)
        #expect(standIn.receiver.count == 1, "one message, the image is not uploaded")
        #expect(request.method == "POST")
        #expect(request.header("content-type") == "application/json")
        let body = try #require(request.json)
        #expect(body["unfurl_links"] as? Bool == true)
        let text = try #require(body["text"] as? String)
        #expect(text.count <= 4000)
        #expect(text.hasPrefix("*Fête de la musique 2026 : l'Occitanie en fête*"))
        #expect(text.contains("*plus de 300 concerts gratuits*"))
        #expect(text.contains("🇫🇷") && text.contains("« Òc e musica »"))
        #expect(text.contains("<" + HookFixtures.longURL.replacingOccurrences(of: "&", with: "&amp;") + ">"),
                "mrkdwn escapes & in the URL and wraps it in <>")
        #expect(text.contains("#FeteDeLaMusique #Occitanie #Culture"))
        #expect(!text.contains("**"))
        #expect(standIn.state.withLock { $0.texts } == [text])
        await standIn.stop()
    }

    @Test func declares_slacks_limits_one_message_a_second_and_no_edits() throws {
        let slack = try shippedType("slack")
        #expect(slack.defaultRate == Rate(count: 1, period: .seconds(1)))
        #expect(slack.defaultConcurrency == 1)
        #expect(slack.capabilities.maxLength == 4000 && slack.capabilities.formatting == .markdown)
        #expect(slack.capabilities.edit == false && slack.capabilities.delete == false)
        #expect(slack.manifest.rendering.format == .slackMrkdwn && slack.manifest.rendering.lengthRule == .graphemes)
    }

    @Test func the_stand_in_answers_invalid_payload_to_a_malformed_body_as_slack_does() async throws {
        let standIn = try await SlackStandIn()
        let client = CurlHTTPClient()
        let malformed = try await client.send(HTTPRequest(
            method: "POST", url: standIn.url, headers: [("Content-Type", "application/json")], body: Array(#"{"text": "oops""#.utf8)))
        #expect(malformed.status == 400 && malformed.bodyText == "invalid_payload")
        let empty = try await client.send(HTTPRequest(
            method: "POST", url: standIn.url, headers: [("Content-Type", "application/json")], body: Array(#"{"unfurl_links": true}"#.utf8)))
        #expect(empty.status == 400 && empty.bodyText == "no_text")
        await standIn.stop()
    }

    @Test func slacks_plain_text_errors_become_outcomes_with_what_to_do() async throws {
        let standIn = try await SlackStandIn()
        let adapter = try Self.adapter(standIn)
        let message = HookFixtures.message(channel: "slack")
        standIn.state.withLock { $0.archived = true }
        guard case .failed(let archived, 410) = await adapter.deliver(message) else { Issue.record("410 must fail"); return }
        #expect(archived == "gone: channel_is_archived (the webhook's channel is archived: unarchive it, or create a webhook for another channel)")
        standIn.state.withLock {
            $0.archived = false
            $0.scripted = [
                SlackStandIn.text(400, "invalid_payload"),
                SlackStandIn.text(403, "action_prohibited"),
                .init(status: 429, headers: ["Retry-After": "30", "Content-Type": "text/html"], body: "rate_limited"),
                SlackStandIn.text(500, "rollup_error"),
            ]
        }
        guard case .failed(let invalid, 400) = await adapter.deliver(message) else { Issue.record("400 must fail"); return }
        #expect(invalid.hasPrefix("bad request: invalid_payload (the message was not understood"))
        guard case .failed(let prohibited, 403) = await adapter.deliver(message) else { Issue.record("403 must fail"); return }
        #expect(prohibited.contains("action_prohibited") && prohibited.contains("ask a Slack admin"))
        #expect(await adapter.deliver(message) == .retry(after: .seconds(30), reason: "too many requests: rate_limited", httpStatus: 429))
        #expect(await adapter.deliver(message) == .retry(
            after: nil, reason: "internal server error: rollup_error (Slack had an internal error)", httpStatus: 500))

        let removed = try Self.adapter(standIn, url: standIn.receiver.url + "/services/T0123ABCD/B0000GONE/abc")
        guard case .failed(let gone, 404) = await removed.deliver(message) else { Issue.record("404 must fail"); return }
        #expect(gone.contains("no_service") && gone.contains("create a new one"))
        let revoked = try Self.adapter(standIn, url: standIn.receiver.url + SlackStandIn.hookPath + "/revoked0token")
        guard case .failed(let invalidToken, 403) = await revoked.deliver(message) else { Issue.record("403 must fail"); return }
        #expect(invalidToken.contains("invalid_token") && invalidToken.contains("create a new incoming webhook"))
        await standIn.stop()
    }

    @Test func edits_and_deletes_fail_with_a_clear_reason_and_send_nothing() async throws {
        let standIn = try await SlackStandIn()
        let adapter = try Self.adapter(standIn)
        for action in [PostAction.update, .retract] {
            let message = HookFixtures.message(action: action, version: 2, channel: "slack")
            guard case .failed(let reason, nil) = await adapter.deliver(message) else { Issue.record("\(action) must fail"); continue }
            #expect(reason.contains("the slack plugin declares no [\(action == .update ? "update" : "delete")] request"))
            #expect(adapter.preview(message).isEmpty)
        }
        #expect(standIn.receiver.count == 0)
        await standIn.stop()
    }

    @Test func preview_shows_the_mrkdwn_request_and_says_the_image_is_not_sent() async throws {
        let standIn = try await SlackStandIn()
        let adapter = try Self.adapter(standIn)
        let preview = try #require(adapter.preview(HookFixtures.message(channel: "slack")).first)
        #expect(preview.request.url == standIn.url, "the binary's preview redacts it, as every secret (SecretsEndToEndTests)")
        #expect(preview.purpose.contains("images not sent"))
        #expect(preview.length?.limit == 4000 && preview.length?.unit == "graphemes")
        let text = try #require(HookFixtures.json(Data(preview.request.body))?["text"] as? String)
        #expect(text == PostComposer(format: .slackMrkdwn, limit: 4000).compose(HookFixtures.richPost).parts.first?.text)
        await standIn.stop()
    }
}
