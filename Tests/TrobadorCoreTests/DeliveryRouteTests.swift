import Foundation
import Testing
import TrobadorChannels
@testable import TrobadorCore

/// What the engine does with an update or a retraction, from the channel's capabilities alone.
@Suite("delivery route: channels that cannot edit or delete")
struct DeliveryRouteTests {
    static func message(_ action: PostAction, url: String? = "https://example.org/m/1") -> OutboundMessage {
        OutboundMessage(
            post: Post(id: "fete", action: action, title: "Fête de la musique", body: "Le 21 juin.", lang: "fr"), version: 2,
            action: action, channel: "presse", idempotencyKey: "k", attempt: 1,
            previousReceipt: Receipt(remoteID: "1", url: url))
    }

    @Test func a_channel_that_can_edit_and_delete_gets_the_message_as_it_is() {
        let settings = CorrectionSettings(channelType: "mastodon", canEdit: true, canDelete: true, onUpdate: .skip)
        for action in PostAction.allCases {
            guard case .send(let sent) = DeliveryRoute.decide(Self.message(action), settings: settings) else {
                Issue.record("\(action) is sent as it is")
                continue
            }
            #expect(sent.action == action)
        }
    }

    /// The built-in types as they declare themselves: Bluesky replaces its copy on an update,
    /// so only Slack and Teams (when built in) fall back to `on_update` and leave retractions to an operator.
    @Test func only_slack_and_teams_among_the_built_in_types_fall_back() {
        var fallsBack: [String] = []
        var byHand: [String] = []
        for type in BuiltinChannels.all {
            let channel = ChannelConfig(name: "presse", type: type.name)
            let settings = CorrectionSettings(capabilities: type.capabilities, channel: channel, delivery: DeliverySettings(onUpdate: .skip))
            if case .withhold = DeliveryRoute.decide(Self.message(.update), settings: settings) { fallsBack.append(type.name) }
            if case .withhold = DeliveryRoute.decide(Self.message(.retract), settings: settings) { byHand.append(type.name) }
        }
        // Subsets: Slack and Teams may be served by plugins of those names (then not built in).
        #expect(Set(fallsBack).isSubset(of: ["slack", "teams"]) && !fallsBack.contains("bluesky"), "\(fallsBack)")
        #expect(Set(byHand).isSubset(of: ["slack", "teams"]), "\(byHand)")
    }

    @Test func on_update_new_publishes_a_marked_correction() throws {
        let settings = CorrectionSettings(channelType: "slack", canEdit: false, canDelete: false, onUpdate: .new)
        guard case .republish(let sent, let note) = DeliveryRoute.decide(Self.message(.update), settings: settings) else {
            Issue.record("republished")
            return
        }
        #expect(sent.action == .publish)
        #expect(sent.previousReceipt == nil)
        #expect(sent.post.title == "Rectificatif\u{00A0}: Fête de la musique")
        #expect(note.contains("channel presse (type slack) cannot edit") && note.contains("on_update = \"new\""))
    }

    @Test func on_update_skip_sends_nothing_and_says_where_the_old_copy_is() {
        let settings = CorrectionSettings(channelType: "slack", canEdit: false, canDelete: false, onUpdate: .skip)
        guard case .withhold(let withheld) = DeliveryRoute.decide(Self.message(.update), settings: settings) else {
            Issue.record("withheld")
            return
        }
        #expect(withheld.state == .cancelled)
        #expect(withheld.event == .skipped)
        #expect(withheld.reason.contains("https://example.org/m/1") && withheld.reason.contains("on_update = \"skip\""))
    }

    @Test func a_retraction_a_channel_cannot_perform_is_left_to_an_operator_with_the_url() {
        let settings = CorrectionSettings(channelType: "teams", canEdit: false, canDelete: false)
        guard case .withhold(let withheld) = DeliveryRoute.decide(Self.message(.retract), settings: settings) else {
            Issue.record("withheld")
            return
        }
        #expect(withheld.state == .failed)
        #expect(withheld.url == "https://example.org/m/1")
        #expect(withheld.reason.contains("remove it by hand at https://example.org/m/1"))
        guard case .withhold(let unknown) = DeliveryRoute.decide(Self.message(.retract, url: nil), settings: settings) else { return }
        #expect(unknown.reason.contains("gave no address"))
    }

    @Test func a_correction_without_title_marks_its_text_and_english_posts_say_correction() {
        let french = Post(id: "x", body: "Le concert est reporté.", lang: "fr").asCorrection()
        #expect(french.body == "**Rectificatif\u{00A0}:** Le concert est reporté.")
        let english = Post(id: "x", title: "Concert", body: "Moved.", lang: "en").asCorrection()
        #expect(english.title == "Correction: Concert")
    }
}
