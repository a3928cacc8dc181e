import CurlHTTP
import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorChannels
@testable import TrobadorCore

@Suite("webhook channel, against a loopback receiver")
struct WebhookChannelTests {
    static let post = Post(
        id: "fete-musique-2026", title: "Fête de la musique 2026", body: "Le 21 juin, **plus de 300 concerts gratuits** 🎶 : https://www.example.org/agenda",
        tags: ["culture", "musique"], link: "https://www.example.org/agenda", lang: "fr", summary: "Concerts gratuits le 21 juin.",
        event: PostEvent(start: Date(timeIntervalSince1970: 1_782_061_200), location: "Place du Capitole, Toulouse"))

    static func message(attempt: Int = 1) -> OutboundMessage {
        OutboundMessage(
            post: post, version: 1, action: .publish, channel: "intranet",
            idempotencyKey: AcceptancePolicy.idempotencyKey(postID: post.id, channel: "intranet", action: .publish, version: 1),
            attempt: attempt,
            media: [StoredMedia(name: "affiche.png", alt: "Affiche orange", contentType: "image/png", size: 223, sha256: String(repeating: "ab", count: 32))])
    }

    static func adapter(url: String, secret: String? = nil) throws -> any ChannelAdapter {
        var settings: [String: SettingValue] = ["url": .string(url)]
        if let secret { settings["secret"] = .secret(Secret(secret, origin: "literal")) }
        let channel = ChannelConfig(name: "intranet", type: "webhook", settings: settings)
        return try WebhookChannelType().makeAdapter(for: channel, context: ChannelContext(http: CurlHTTPClient(), spoolDirectory: "/tmp"))
    }

    @Test func posts_the_spec_body_with_a_stable_webhook_id_and_a_verifiable_signature() async throws {
        let receiver = try await LoopbackReceiver { _, _ in .init(status: 202, body: #"{"id": 4242, "url": "https://intranet.example.org/news/4242"}"#) }
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let adapter = try Self.adapter(url: receiver.url + "/hook", secret: secret)

        let first = await adapter.deliver(Self.message(attempt: 1))
        let second = await adapter.deliver(Self.message(attempt: 2))
        #expect(first == .delivered(Receipt(remoteID: "4242", url: "https://intranet.example.org/news/4242", httpStatus: 202)))
        #expect(second == first)

        let requests = receiver.requests
        #expect(requests.count == 2)
        #expect(requests[0].method == "POST")
        #expect(requests[0].path == "/hook")
        #expect(requests[0].header("content-type") == "application/json")
        #expect(requests[0].header("webhook-id") == requests[1].header("webhook-id"), "the same message keeps its webhook-id")
        #expect(requests[0].header("webhook-id")?.hasPrefix("msg_") == true)

        let body = try #require(requests[0].json)
        #expect(body["id"] as? String == "fete-musique-2026")
        #expect(body["action"] as? String == "publish")
        #expect(body["title"] as? String == "Fête de la musique 2026")
        #expect((body["body"] as? String)?.contains("**plus de 300 concerts gratuits**") == true)
        #expect((body["text"] as? String)?.contains("plus de 300 concerts gratuits 🎶") == true)
        #expect((body["text"] as? String)?.contains("**") == false)
        #expect((body["html"] as? String)?.contains("<strong>plus de 300 concerts gratuits</strong>") == true)
        #expect((body["html"] as? String)?.contains("<a href=\"https://www.example.org/agenda\">") == true)
        #expect(body["tags"] as? [String] == ["culture", "musique"])
        #expect(body["lang"] as? String == "fr")
        #expect((body["event"] as? [String: Any])?["location"] as? String == "Place du Capitole, Toulouse")
        #expect((body["event"] as? [String: Any])?["start"] as? String == "2026-06-21T17:00:00Z")
        let media = try #require((body["media"] as? [[String: Any]])?.first)
        #expect(media["file"] as? String == "affiche.png")
        #expect(media["alt"] as? String == "Affiche orange")
        #expect(media["size"] as? Int == 223)

        // Checked by an independent implementation of the scheme: Python's hmac. Both requests:
        // the second signature starts from the same keyed state as the first, not after it.
        for request in requests {
            let id = try #require(request.header("webhook-id"))
            let timestamp = try #require(request.header("webhook-timestamp"))
            let expected = try Self.pythonSignature(secret: secret, signed: "\(id).\(timestamp).", body: request.body)
            #expect(request.header("webhook-signature") == "v1,\(expected)")
        }
        await receiver.stop()
    }

    @Test func the_body_written_directly_is_the_bytes_of_its_json_tree() {
        var bare = Post(id: "a", action: .retract, body: "")
        bare.tags = []
        var full = Self.post
        full.body += "\n\n\"Entrée\" libre \\ gratuite\u{01}"
        full.publishAt = Date(timeIntervalSince1970: 1_781_996_400)
        full.expiresAt = Date(timeIntervalSince1970: 1_782_082_800)
        full.event = PostEvent(start: Date(timeIntervalSince1970: 1_782_061_200), end: Date(timeIntervalSince1970: 1_782_075_600))
        let media = [StoredMedia(name: "a.png", alt: nil, contentType: "image/png", size: 1, sha256: "00"),
                     StoredMedia(name: "b.jpg", alt: "« B »", contentType: "image/jpeg", size: 22, sha256: "11")]
        for (post, files) in [(Self.post, Self.message().media), (bare, []), (full, media)] {
            var message = Self.message()
            message.post = post
            message.media = files
            #expect(WebhookPayload.encoded(message) == WebhookPayload.json(message).bytes)
        }
    }

    @Test func a_receipt_is_read_from_a_JSON_object_answer_and_nothing_else() {
        func receipt(_ body: String) -> Receipt {
            WebhookAdapter.receipt(HTTPResponse(status: 200, headers: [], body: Array(body.utf8)))
        }
        #expect(receipt(" \n{\"id\": 42, \"url\": \"https://example.org/42\"}") == Receipt(remoteID: "42", url: "https://example.org/42"))
        #expect(receipt("{\"id\":\"abc\"}").remoteID == "abc")
        for answer in ["", "OK", "[{\"id\":1}]", "{not json", "\"id\""] {
            #expect(receipt(answer) == Receipt(), "\(answer)")
        }
    }

    @Test func sends_a_webhook_id_even_without_a_secret_and_no_signature() async throws {
        let receiver = try await LoopbackReceiver()
        let adapter = try Self.adapter(url: receiver.url)
        let outcome = await adapter.deliver(Self.message())
        #expect(outcome == .delivered(Receipt(httpStatus: 200)))
        #expect(receiver.requests.first?.header("webhook-id") != nil)
        #expect(receiver.requests.first?.header("webhook-signature") == nil)
        await receiver.stop()
    }

    @Test func a_secret_that_is_not_whsec_base64_is_refused_at_setup() {
        #expect(throws: ChannelSetupError.self) { try Self.adapter(url: "http://127.0.0.1:9", secret: "whsec_%%%not-base64") }
    }

    @Test func answers_become_outcomes_503_and_429_retry_400_fails_with_the_reason_302_fails() async throws {
        let receiver = try await LoopbackReceiver { _, index in
            switch index {
            case 0: .init(status: 503, body: "upstream down")
            case 1: .init(status: 429, headers: ["Retry-After": "7"], body: "")
            case 2: .init(status: 400, body: #"{"error": "title is required"}"#)
            default: .init(status: 302, headers: ["Location": "https://elsewhere.example.org/"], body: "")
            }
        }
        let adapter = try Self.adapter(url: receiver.url)
        #expect(await adapter.deliver(Self.message()) == .retry(after: nil, reason: "service unavailable: upstream down", httpStatus: 503))
        #expect(await adapter.deliver(Self.message()) == .retry(after: .seconds(7), reason: "too many requests", httpStatus: 429))
        #expect(await adapter.deliver(Self.message()) == .failed(reason: #"bad request: {"error": "title is required"}"#, httpStatus: 400))
        guard case .failed(let reason, 302) = await adapter.deliver(Self.message()) else {
            Issue.record("a redirect is a failure")
            return
        }
        #expect(reason.contains("https://elsewhere.example.org/"))
        await receiver.stop()
    }

    @Test func a_refused_connection_is_retried_with_curls_words() async throws {
        let adapter = try Self.adapter(url: "http://127.0.0.1:1/hook")
        let outcome = await adapter.deliver(Self.message())
        guard case .retry(nil, let reason, nil, nil) = outcome else {
            Issue.record("expected a retry, got \(outcome)")
            return
        }
        #expect(reason.contains("127.0.0.1"))
    }

    static func pythonSignature(secret: String, signed: String, body: Data) throws -> String {
        let directory = try TemporaryDirectory("sig")
        defer { directory.remove() }
        try (Data(signed.utf8) + body).write(to: URL(fileURLWithPath: directory.file("content")))
        let script = """
            import base64, hashlib, hmac, sys
            key = base64.b64decode(sys.argv[1].removeprefix("whsec_"))
            content = open(sys.argv[2], "rb").read()
            print(base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode(), end="")
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, secret, directory.file("content")]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }
}
