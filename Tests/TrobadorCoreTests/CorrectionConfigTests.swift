import Foundation
import Testing
@testable import TrobadorCore

/// `on_update` and `retract_on_expiry`: in [delivery], overridden per channel, refused with
/// their line when wrong.
@Suite("configuration: corrections and retractions")
struct CorrectionConfigTests {
    static let hooks = """
        [delivery]
        on_update = "skip"
        retract_on_expiry = true

        [[channel]]
        name = "a"
        type = "webhook"
        url = "http://127.0.0.1:9/a"

        [[channel]]
        name = "b"
        type = "webhook"
        url = "http://127.0.0.1:9/b"
        on_update = "new"
        retract_on_expiry = false
        """

    @Test func defaults_are_new_and_no_retraction_on_expiry() throws {
        let configuration = try ConfigFixtures.loader().parse(ConfigFixtures.fileChannel, path: "/srv/t/trobador.toml")
        #expect(configuration.delivery.onUpdate == .new)
        #expect(configuration.delivery.retractOnExpiry == false)
    }

    @Test func a_channels_own_choice_wins_over_the_delivery_section() throws {
        let configuration = try ConfigFixtures.loader().parse(Self.hooks, path: "/srv/t/trobador.toml")
        #expect(configuration.delivery.onUpdate == .skip)
        #expect(configuration.delivery.retractOnExpiry)
        let slackLike = ChannelCapabilities(formatting: .markdown, edit: false, delete: false)
        let a = CorrectionSettings(capabilities: slackLike, channel: try #require(configuration.channel(named: "a")), delivery: configuration.delivery)
        let b = CorrectionSettings(capabilities: slackLike, channel: try #require(configuration.channel(named: "b")), delivery: configuration.delivery)
        #expect(a == CorrectionSettings(channelType: "webhook", canEdit: false, canDelete: false, onUpdate: .skip, retractOnExpiry: true))
        #expect(b == CorrectionSettings(channelType: "webhook", canEdit: false, canDelete: false, onUpdate: .new, retractOnExpiry: false))
    }

    @Test func wrong_values_are_reported_at_their_line() {
        let text = """
            [delivery]
            on_update = "edit"
            retract_on_expiry = "yes"

            [[channel]]
            name = "a"
            type = "webhook"
            url = "http://127.0.0.1:9/a"
            on_update = "publish"
            """
        let problems = ConfigFixtures.problems(text)
        #expect(problems.contains("t.toml:2:13: `on_update` in [delivery] must be \"new\" or \"skip\", not \"edit\""), "\(problems)")
        #expect(problems.contains { $0.hasPrefix("t.toml:3:21: ") && $0.contains("retract_on_expiry") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("t.toml:9:13: ") && $0.contains("must be \"new\" or \"skip\", not \"publish\"") }, "\(problems)")
    }
}
