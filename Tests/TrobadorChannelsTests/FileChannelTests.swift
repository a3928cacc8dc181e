import CurlHTTP
import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorChannels
@testable import TrobadorCore

@Suite("file channel")
struct FileChannelTests {
    @Test func writes_one_file_per_post_overwrites_on_update_and_removes_on_retract() async throws {
        let directory = try TemporaryDirectory("file-channel")
        defer { directory.remove() }
        let channel = ChannelConfig(name: "outbox", type: "file")
        let adapter = try FileChannelType().makeAdapter(for: channel, context: ChannelContext(http: CurlHTTPClient(), spoolDirectory: directory.path))
        let path = directory.path + "/outbox/carte-jeune.json"
        var message = OutboundMessage(
            post: Post(id: "carte-jeune", title: "Carte Jeune", body: "Trajets à **1 €**."), version: 1, action: .publish,
            channel: "outbox", idempotencyKey: "k1", attempt: 1)

        #expect(await adapter.deliver(message) == .delivered(Receipt(remoteID: "carte-jeune", url: "file://" + path)))
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("Trajets à **1 €**."))

        message.post.body = "Trajets à **2 €**."
        message.action = .update
        message.version = 2
        #expect(await adapter.deliver(message) == .delivered(Receipt(remoteID: "carte-jeune", url: "file://" + path)))
        let updated = try String(contentsOfFile: path, encoding: .utf8)
        #expect(updated.contains("2 €") && !updated.contains("1 €"))
        #expect(updated.contains("\"action\":\"update\""))

        message.action = .retract
        #expect(await adapter.deliver(message) == .delivered(Receipt(remoteID: "carte-jeune", url: "file://" + path)))
        #expect(!FileManager.default.fileExists(atPath: path))
        // Nothing half-written is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/outbox").isEmpty)
    }
}
