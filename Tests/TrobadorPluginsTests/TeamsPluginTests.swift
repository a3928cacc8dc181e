import CurlHTTP
import Foundation
import Testing
import TrobadorCore
import TrobadorTestSupport
@testable import TrobadorPlugins

@Suite("teams plugin, against a stand-in Workflows webhook")
struct TeamsPluginTests {
    static func adapter(_ standIn: TeamsStandIn, url: String? = nil) throws -> any ChannelAdapter {
        try HookFixtures.adapter("teams", name: "teams", settings: ["url": HookFixtures.secret(url ?? standIn.url)])
    }

    @Test func posts_the_rich_french_post_as_an_adaptive_card_teams_would_show() async throws {
        let standIn = try await TeamsStandIn()
        let outcome = await (try Self.adapter(standIn)).deliver(HookFixtures.message(channel: "teams"))
        #expect(outcome == .delivered(Receipt(httpStatus: 202)), "the workflow gives no message id")
        #expect(standIn.state.withLock { $0.violations } == [])

        let request = try #require(standIn.receiver.requests.first)
        #expect(request.header("content-type") == "application/json")
        #expect(request.body.count <= 28 * 1024)
        let envelope = try #require(request.json)
        let attachment = try #require((envelope["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
        let card = try #require(attachment["content"] as? [String: Any])
        #expect(card["$schema"] as? String == "http://adaptivecards.io/schemas/adaptive-card.json")
        #expect(card["version"] as? String == "1.4")
        let body = try #require(card["body"] as? [[String: Any]])
        #expect(body.count == 2, "heading and text; no Image element, the post's image has no public URL")
        #expect(body[0]["text"] as? String == "Fête de la musique 2026 : l'Occitanie en fête")
        #expect(body[0]["weight"] as? String == "Bolder" && body[0]["size"] as? String == "Medium")
        let text = try #require(body[1]["text"] as? String)
        #expect(body[1]["wrap"] as? Bool == true)
        #expect(text.hasPrefix("Le 21 juin, **plus de 300 concerts gratuits**"))
        #expect(text.contains("🇫🇷") && text.contains("« Òc e musica »") && text.contains("📅 21 juin 2026, 18:00 – 01:00"))
        let shown = HookFixtures.longURL.replacingOccurrences(of: "_", with: "\\_")
        #expect(text.contains("[\(shown)](\(HookFixtures.longURL))"), "a TextBlock links only [text](url); the text's _ escaped")
        #expect(text.contains("#FeteDeLaMusique #Occitanie #Culture"))
        #expect(!text.contains("Fête de la musique 2026 :"), "the title is the heading, not repeated")
        let action = try #require((card["actions"] as? [[String: Any]])?.first)
        #expect(action["type"] as? String == "Action.OpenUrl")
        #expect(action["url"] as? String == HookFixtures.link)
        #expect(action["title"] as? String == "www.example.org")
        await standIn.stop()
    }

    @Test func the_workflows_refusals_become_outcomes_with_what_to_do() async throws {
        let standIn = try await TeamsStandIn()
        let message = HookFixtures.message(channel: "teams")
        let unsigned = try Self.adapter(standIn, url: standIn.url.replacingOccurrences(of: TeamsStandIn.signature, with: "stale0signature0value0000"))
        guard case .failed(let auth, 401) = await unsigned.deliver(message) else { Issue.record("401 must fail"); return }
        #expect(auth.hasPrefix("unauthorized (check the token): DirectApiAuthorizationRequired: The request must be authenticated only by Shared Access scheme."))
        #expect(auth.contains("copy the workflow's webhook URL again"))

        let adapter = try Self.adapter(standIn)
        standIn.state.withLock {
            $0.scripted = [
                TeamsStandIn.azureError(404, "WorkflowNotFound", "The workflow 'x' could not be found."),
                TeamsStandIn.azureError(400, "InvalidRequestContent", "The request content is not valid and could not be deserialized."),
                .init(status: 429, headers: ["Retry-After": "12", "Content-Type": "application/json"],
                      body: #"{"error":{"code":"WorkflowRequestsThrottled","message":"Number of requests exceeded the limit."}}"#),
                .init(status: 503, headers: [:], body: ""),
            ]
        }
        guard case .failed(let missing, 404) = await adapter.deliver(message) else { Issue.record("404 must fail"); return }
        #expect(missing.contains("copy the new webhook URL"))
        guard case .failed(let content, 400) = await adapter.deliver(message) else { Issue.record("400 must fail"); return }
        #expect(content.contains("InvalidRequestContent") && content.contains("Post to a channel when a webhook request is received"))
        #expect(await adapter.deliver(message) == .retry(
            after: .seconds(12), reason: "too many requests: WorkflowRequestsThrottled: Number of requests exceeded the limit.", httpStatus: 429))
        #expect(await adapter.deliver(message) == .retry(after: nil, reason: "service unavailable", httpStatus: 503))
        await standIn.stop()
    }

    @Test func edits_and_deletes_fail_with_a_clear_reason_and_send_nothing() async throws {
        let standIn = try await TeamsStandIn()
        let adapter = try Self.adapter(standIn)
        for action in [PostAction.update, .retract] {
            guard case .failed(let reason, nil) = await adapter.deliver(HookFixtures.message(action: action, version: 2, channel: "teams")) else {
                Issue.record("\(action) must fail")
                continue
            }
            #expect(reason.contains("the teams plugin declares no [\(action == .update ? "update" : "delete")] request"))
        }
        #expect(standIn.receiver.count == 0)
        await standIn.stop()
    }

    @Test func a_markdown_title_is_shown_as_written_and_a_post_without_link_has_no_button() async throws {
        let standIn = try await TeamsStandIn()
        var post = HookFixtures.richPost
        post.title = "Appel à projets *jeunes* [2026]"
        post.link = nil
        post.media = []
        #expect(await (try Self.adapter(standIn)).deliver(HookFixtures.message(post, channel: "teams", media: [])).httpStatus == 202)
        let card = try #require(((standIn.receiver.requests.first?.json?["attachments"] as? [[String: Any]])?.first)?["content"] as? [String: Any])
        #expect((card["body"] as? [[String: Any]])?.first?["text"] as? String == #"Appel à projets \*jeunes\* \[2026\]"#)
        #expect(card["actions"] == nil)
        #expect(standIn.state.withLock { $0.violations } == [])
        await standIn.stop()
    }

    @Test func preview_shows_the_card_its_size_and_that_the_image_is_not_sent() async throws {
        let standIn = try await TeamsStandIn()
        let adapter = try Self.adapter(standIn)
        let preview = try #require(adapter.preview(HookFixtures.message(channel: "teams")).first)
        #expect(preview.request.url == standIn.url, "the binary's preview redacts it, as every secret (SecretsEndToEndTests)")
        #expect(preview.purpose.contains("(\(preview.request.body.count) of 28672 bytes)"))
        #expect(preview.purpose.contains("images not sent"))
        #expect(preview.length?.unit == "UTF-8 bytes" && preview.length?.limit == 20000)
        #expect(TeamsStandIn.violations(try #require(HookFixtures.json(Data(preview.request.body))), size: preview.request.body.count).isEmpty)
        standIn.state.withLock { $0.scripted = [TeamsStandIn.azureError(400, "InvalidRequestContent", "bad")] }
        guard case .failed(let reason, 400) = await adapter.deliver(HookFixtures.message(channel: "teams")) else { Issue.record("400 must fail"); return }
        #expect(!reason.contains(TeamsStandIn.signature))
        await standIn.stop()
    }

    @Test func a_card_over_teams_28_kb_fails_before_sending_and_says_what_to_shorten() async throws {
        let standIn = try await TeamsStandIn()
        var post = HookFixtures.richPost
        // The text is fitted to 20,000 bytes, the heading is not: 30 KB of title makes the card too big.
        post.title = String(repeating: "Fête de la musique ", count: 1600)
        guard case .failed(let reason, nil) = await (try Self.adapter(standIn)).deliver(HookFixtures.message(post, channel: "teams")) else {
            Issue.record("an oversized card must fail")
            return
        }
        #expect(reason.contains("28672 at most") && reason.contains("shorten"))
        #expect(standIn.receiver.count == 0)
        await standIn.stop()
    }

    @Test func declares_teams_limits_and_rate() throws {
        let teams = try shippedType("teams")
        #expect(teams.defaultRate == Rate(count: 4, period: .seconds(1)))
        #expect(teams.capabilities.maxLength == 20000 && teams.capabilities.edit == false && teams.capabilities.delete == false)
    }
}
