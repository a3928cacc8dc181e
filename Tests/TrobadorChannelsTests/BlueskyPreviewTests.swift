import CurlHTTP
import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorChannels
@testable import TrobadorCore

@Suite("Bluesky channel: preview shows what deliver sends")
struct BlueskyPreviewTests {
    func json(_ request: HTTPRequest) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any]
    }

    @Test func preview_signs_in_uploads_then_creates_each_part_as_deliver_does() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        let adapter = try BlueskyFixture.adapter(pds)
        let message = OccitanieRichPost.message(channel: "bluesky")
        let previews = adapter.preview(message)
        _ = await adapter.deliver(message)
        let records = pds.records

        #expect(previews.count == 2 + records.count)
        #expect(previews[0].request.url == pds.url + "/xrpc/com.atproto.server.createSession")
        #expect(json(previews[0].request)?["password"] as? String == "***")
        #expect(json(previews[0].request)?["identifier"] as? String == pds.handle)
        #expect(previews[1].request.url == pds.url + "/xrpc/com.atproto.repo.uploadBlob")
        #expect(previews[1].request.headers.contains { $0.name == "Content-Type" && $0.value == "image/png" })
        for (index, record) in records.enumerated() {
            let preview = previews[index + 2]
            let body = try #require(json(preview.request))
            #expect(body["rkey"] as? String == record.rkey, "the same record key as deliver")
            #expect(body["repo"] as? String == "{did of \(pds.handle)}")
            let sent = try #require(body["record"] as? [String: Any])
            #expect(sent["text"] as? String == record.text)
            #expect((sent["facets"] as? [Any])?.count ?? 0 == record.facets.count)
            let reply = sent["reply"] as? [String: [String: String]]
            #expect(reply?["root"]?["cid"] == (index == 0 ? nil : "{cid of part 1}"))
            #expect(reply?["parent"]?["uri"] == (index == 0 ? nil : "{uri of part \(index)}"))
            #expect(preview.length == TextLength(count: record.text.count, limit: 300, unit: "graphemes"))
        }
        for preview in previews.dropFirst() {
            #expect(preview.request.headers.contains { $0.name == "Authorization" && $0.value == "Bearer {accessJwt}" })
        }
        await pds.stop()
    }

    @Test func preview_of_an_update_deletes_then_creates_and_a_retract_only_deletes() throws {
        let adapter = try BlueskyFixture.adapter(url: "http://127.0.0.1:9", handle: "occitanie.bsky.social", password: "p")
        let did = "did:plc:occitanie4242regionxyz"
        let previous = Receipt(
            remoteID: "at://\(did)/app.bsky.feed.post/3lbbbbbbbbbb2", url: nil,
            parts: ["at://\(did)/app.bsky.feed.post/3lbbbbbbbbbb2", "at://\(did)/app.bsky.feed.post/3lbbbbbbbbbb3"])
        let update = adapter.preview(OccitanieRichPost.message(
            channel: "bluesky", post: MastodonEditDeleteTests.short, action: .update, version: 2, media: [], previous: previous))
        #expect(update.map { $0.request.url.split(separator: ".").last.map(String.init) ?? "" }
            == ["createSession", "deleteRecord", "deleteRecord", "createRecord"])
        #expect(json(update[1].request)?["rkey"] as? String == "3lbbbbbbbbbb3")
        let retract = adapter.preview(OccitanieRichPost.message(channel: "bluesky", action: .retract, version: 2, media: [], previous: previous))
        #expect(retract.map(\.purpose).dropFirst() == ["delete part 2 of 2", "delete part 1 of 2"])
    }
}
