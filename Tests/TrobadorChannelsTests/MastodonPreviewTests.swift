import CurlHTTP
import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorChannels
@testable import TrobadorCore

@Suite("Mastodon channel: preview shows what deliver sends")
struct MastodonPreviewTests {
    @Test func preview_lists_the_upload_then_each_part_with_its_length_and_hides_the_token() async throws {
        let instance = try await MastodonStandIn.start()
        let adapter = try MastodonFixture.adapter(instance)
        let message = OccitanieRichPost.message(channel: "mastodon")
        let previews = adapter.preview(message)
        _ = await adapter.deliver(message)
        let statuses = instance.statuses

        #expect(previews.count == 1 + statuses.count)
        #expect(previews[0].request.url == instance.url + "/api/v2/media")
        #expect(previews[0].purpose.contains("affiche.png, image/png, \(OccitanieRichPost.imageBytes.count) bytes"))
        for (index, status) in statuses.enumerated() {
            let preview = previews[index + 1]
            #expect(preview.request.method == "POST")
            #expect(preview.request.url == instance.url + "/api/v1/statuses")
            let body = try #require(try JSONSerialization.jsonObject(with: Data(preview.request.body)) as? [String: Any])
            #expect(body["status"] as? String == status.text, "preview shows the text deliver sent")
            #expect(body["in_reply_to_id"] as? String == (index == 0 ? nil : "{id of part \(index)}"))
            #expect(body["media_ids"] as? [String] == (index == 0 ? ["{id of image 1}"] : nil))
            #expect(preview.length == TextLength(count: MastodonStandIn.length(status.text), limit: 500, unit: "characters, URLs as 23"))
            #expect(preview.request.headers.contains { $0.name == "Idempotency-Key" && $0.value == message.idempotencyKey + "-\(index + 1)" })
        }
        for preview in previews {
            #expect(preview.request.headers.contains { $0.name == "Authorization" && $0.value == "Bearer ***" })
            let shown = preview.request.url + preview.request.headers.map(\.value).joined() + String(decoding: preview.request.body, as: UTF8.self)
            #expect(!shown.contains(instance.token))
        }
        await instance.stop()
    }

    @Test func preview_of_an_update_and_a_retract_names_the_recorded_statuses() throws {
        // Preview sends nothing, so nothing needs to listen.
        let adapter = try MastodonFixture.adapter(url: "http://127.0.0.1:9", token: "t0ken")
        let previous = Receipt(remoteID: "101", url: nil, parts: ["101", "102", "103", "104"])
        let short = MastodonEditDeleteTests.short
        let update = adapter.preview(OccitanieRichPost.message(channel: "mastodon", post: short, action: .update, version: 2, media: [], previous: previous))
        #expect(update.map { "\($0.request.method) \($0.request.url.split(separator: "/").suffix(2).joined(separator: "/"))" }
            == ["PUT statuses/101", "DELETE statuses/104", "DELETE statuses/103", "DELETE statuses/102"])
        let retract = adapter.preview(OccitanieRichPost.message(channel: "mastodon", action: .retract, version: 2, media: [], previous: previous))
        #expect(retract.map(\.purpose) == ["delete part 4 of 4", "delete part 3 of 4", "delete part 2 of 4", "delete part 1 of 4"])
    }
}
