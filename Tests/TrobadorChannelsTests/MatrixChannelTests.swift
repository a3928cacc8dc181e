import CurlHTTP
import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorChannels
@testable import TrobadorCore

@Suite("matrix channel, against a stand-in homeserver")
struct MatrixChannelTests {
    static let encodedRoom = "%21PatrimoineOc%3Aexample.org"

    static func adapter(
        url: String, token: String = MatrixStandIn.token, room: String = MatrixStandIn.room,
        stored: [StoredMedia] = [ChatRichPost.media(withData: true)]
    ) throws -> any ChannelAdapter {
        let channel = ChannelConfig(name: "matrix", type: "matrix", settings: [
            "url": .string(url), "token": .secret(Secret(token, origin: "literal")), "room": .string(room),
        ])
        return try MatrixChannelType().makeAdapter(
            for: channel, context: ChannelContext(http: CurlHTTPClient(), spoolDirectory: "/tmp", loadMedia: { _, _ in stored }))
    }

    static func message(
        _ post: Post = ChatRichPost.post(), action: PostAction = .publish, version: Int = 1, attempt: Int = 1,
        media: [StoredMedia] = [ChatRichPost.media()], previous: Receipt? = nil, progress: Receipt? = nil
    ) -> OutboundMessage {
        ChatRichPost.message(
            post, channel: "matrix", action: action, version: version, attempt: attempt, media: media, previous: previous, progress: progress)
    }

    static func receipt(_ outcome: DeliveryOutcome) throws -> Receipt {
        guard case .delivered(let receipt) = outcome else { throw ChatOutcomeMismatch(outcome: outcome) }
        return receipt
    }

    /// About 18,000 characters: more than one part's 12,000 bytes of `body`.
    static let veryLongBody = Array(repeating: ChatRichPost.body, count: 12).joined(separator: "\n\n")

    @Test func the_rich_french_post_is_one_html_message_then_the_uploaded_image_with_its_alt_text() async throws {
        let matrix = try await MatrixStandIn()
        let adapter = try Self.adapter(url: matrix.url)
        let message = Self.message()
        let receipt = try Self.receipt(await adapter.deliver(message))

        let events = matrix.events
        #expect(events.count == 2)
        #expect(receipt.remoteID == events[0].id)
        #expect(receipt.url == "https://matrix.to/#/!PatrimoineOc:example.org/\(events[0].id)?via=example.org")
        #expect(receipt.parts == [events[0].id, "media:" + events[1].id])

        let requests = matrix.receiver.requests
        #expect(requests.map(\.method) == ["PUT", "POST", "PUT"])
        #expect(requests.allSatisfy { $0.header("authorization") == "Bearer \(MatrixStandIn.token)" })
        #expect(requests[0].target == "/_matrix/client/v3/rooms/\(Self.encodedRoom)/send/m.room.message/\(message.idempotencyKey).part1")
        #expect(requests[2].target == "/_matrix/client/v3/rooms/\(Self.encodedRoom)/send/m.room.message/\(message.idempotencyKey).image1")

        let text = events[0].content
        #expect(text["msgtype"] as? String == "m.text")
        #expect(text["format"] as? String == "org.matrix.custom.html")
        #expect((text["m.mentions"] as? [String: Any])?.isEmpty == true, "a post mentions no one")
        let body = try #require(text["body"] as? String)
        for piece in ["🇫🇷", "👧🧒", ChatRichPost.longURL, "#JEP2026", "#Patrimoine", "#Occitanie", "« Patrimoine et création »"] {
            #expect(body.contains(piece), "\(piece) is in the body")
        }
        #expect(body.hasPrefix("Journées du patrimoine 2026 : l'Occitanie ouvre ses portes"))
        let html = try #require(text["formatted_body"] as? String)
        #expect(html.contains("<strong>plus de 1 200 monuments</strong>"))
        #expect(html.contains("<a href=\"\(ChatRichPost.longURL.replacingOccurrences(of: "&", with: "&amp;"))\">"))
        #expect(requests[0].body.count <= MatrixLimits.eventBytes)

        #expect(requests[1].target == "/_matrix/media/v3/upload?filename=affiche.png")
        #expect(requests[1].header("content-type") == "image/png")
        #expect(requests[1].body == Data(ChatRichPost.image))
        let image = events[1].content
        #expect(image["msgtype"] as? String == "m.image")
        #expect(image["body"] as? String == ChatRichPost.alt)
        #expect(image["filename"] as? String == "affiche.png")
        #expect(image["url"] as? String == matrix.uploads.first?.uri)
        #expect(image["m.relates_to"] == nil, "the image shows in the room, beside the text")
        await matrix.stop()
    }

    @Test func a_very_long_post_becomes_a_thread_under_its_first_part_every_event_within_the_limit() async throws {
        let matrix = try await MatrixStandIn()
        let adapter = try Self.adapter(url: matrix.url)
        let receipt = try Self.receipt(await adapter.deliver(Self.message(ChatRichPost.post(body: Self.veryLongBody))))

        let texts = matrix.events.filter { $0.content["msgtype"] as? String == "m.text" }
        #expect(texts.count == 2)
        #expect(receipt.parts == matrix.events.map { $0.content["msgtype"] as? String == "m.image" ? "media:" + $0.id : $0.id })
        for (index, event) in texts.enumerated() {
            let body = try #require(event.body)
            #expect(body.utf8.count <= MatrixLimits.bodyBytes)
            #expect(event.json.utf8.count <= MatrixLimits.contentBytes)
            #expect(body.hasSuffix("\(index + 1)/\(texts.count)"))
            #expect((event.content["formatted_body"] as? String)?.hasSuffix("\(index + 1)/\(texts.count)") == true)
        }
        let relation = try #require(texts[1].relation)
        #expect(relation["rel_type"] as? String == "m.thread")
        #expect(relation["event_id"] as? String == texts[0].id)
        #expect(relation["is_falling_back"] as? Bool == true)
        #expect((relation["m.in_reply_to"] as? [String: Any])?["event_id"] as? String == texts[0].id)
        await matrix.stop()
    }

    @Test func a_resent_attempt_reuses_its_transaction_ids_and_the_homeserver_posts_nothing_twice() async throws {
        let matrix = try await MatrixStandIn()
        let adapter = try Self.adapter(url: matrix.url)
        let first = try Self.receipt(await adapter.deliver(Self.message(attempt: 1)))
        // As after a crash that lost the answer: the same message again, with no progress.
        let second = try Self.receipt(await adapter.deliver(Self.message(attempt: 2)))
        #expect(second.parts == first.parts)
        #expect(matrix.events.count == 2, "the same two events")
        await matrix.stop()
    }

    @Test func a_rate_limit_mid_thread_retries_after_retry_after_ms_and_the_next_attempt_goes_on() async throws {
        let matrix = try await MatrixStandIn { _, index in
            index == 1 ? MatrixStandIn.error(429, "M_LIMIT_EXCEEDED", "Too Many Requests", extra: ["retry_after_ms": 2000]) : nil
        }
        let adapter = try Self.adapter(url: matrix.url)
        let post = ChatRichPost.post(body: Self.veryLongBody)
        let outcome = await adapter.deliver(Self.message(post))
        guard case .retry(let after, let reason, 429, let progress?) = outcome else {
            Issue.record("expected a retry with progress, got \(outcome)")
            return
        }
        #expect(after == .milliseconds(2000))
        #expect(reason == "part 2 of 2, in the thread of part 1, replying to part 1: Matrix: M_LIMIT_EXCEEDED: Too Many Requests")
        #expect(progress.parts == [matrix.events[0].id])
        #expect(progress.url?.hasPrefix("https://matrix.to/#/") == true)

        let receipt = try Self.receipt(await adapter.deliver(Self.message(post, attempt: 2, progress: progress)))
        #expect(matrix.timeline.filter { $0.content["msgtype"] as? String == "m.text" }.count == 2, "part 1 once")
        #expect(receipt.parts.first == progress.parts.first)
        #expect(receipt.parts.count == 3)
        await matrix.stop()
    }

    @Test func an_update_replaces_each_part_and_leaves_the_image() async throws {
        let matrix = try await MatrixStandIn()
        let adapter = try Self.adapter(url: matrix.url)
        let published = try Self.receipt(await adapter.deliver(Self.message()))
        let corrected = ChatRichPost.post(body: ChatRichPost.body.replacingOccurrences(of: "1 200", with: "1 300"), action: .update)
        let updated = try Self.receipt(await adapter.deliver(Self.message(corrected, action: .update, version: 2, previous: published)))

        #expect(updated.parts == published.parts)
        #expect(updated.url == published.url)
        let edit = try #require(matrix.events.last)
        #expect(edit.relation?["rel_type"] as? String == "m.replace")
        #expect(edit.relation?["event_id"] as? String == published.remoteID)
        #expect(edit.body?.hasPrefix("* Journées du patrimoine") == true, "the fallback for clients without edits")
        let new = try #require(edit.content["m.new_content"] as? [String: Any])
        #expect((new["formatted_body"] as? String)?.contains("<strong>plus de 1 300 monuments</strong>") == true)
        #expect(new["m.relates_to"] == nil)
        #expect(matrix.shown(try #require(published.remoteID))?.contains("plus de 1 300 monuments") == true)
        #expect(matrix.uploads.count == 1, "the image is not sent again")
        await matrix.stop()
    }

    @Test func an_update_with_fewer_parts_redacts_the_surplus_and_one_with_more_continues_the_thread() async throws {
        let matrix = try await MatrixStandIn()
        let adapter = try Self.adapter(url: matrix.url)
        let long = try Self.receipt(await adapter.deliver(Self.message(ChatRichPost.post(body: Self.veryLongBody))))
        #expect(long.parts.count == 3)

        let short = try Self.receipt(await adapter.deliver(Self.message(action: .update, version: 2, previous: long)))
        #expect(short.parts == [long.parts[0], long.parts[2]])
        #expect(matrix.event(long.parts[1])?.redacted == true)
        #expect(matrix.shown(long.parts[0])?.hasSuffix("1/2") == false, "part 1 holds the whole text again")

        let longer = try Self.receipt(await adapter.deliver(Self.message(
            ChatRichPost.post(body: Self.veryLongBody), action: .update, version: 3, previous: short)))
        #expect(longer.parts.count == 3)
        #expect(longer.parts[0] == long.parts[0] && longer.parts[2] == long.parts[2])
        let added = try #require(matrix.event(longer.parts[1]))
        #expect(added.relation?["rel_type"] as? String == "m.thread")
        #expect(added.relation?["event_id"] as? String == long.parts[0])
        await matrix.stop()
    }

    @Test func a_retraction_redacts_every_event_by_its_encoded_id() async throws {
        let matrix = try await MatrixStandIn()
        let adapter = try Self.adapter(url: matrix.url)
        let published = try Self.receipt(await adapter.deliver(Self.message(ChatRichPost.post(body: Self.veryLongBody))))
        let message = Self.message(action: .retract, version: 2, previous: published)
        let retracted = try Self.receipt(await adapter.deliver(message))

        #expect(retracted.parts == published.parts)
        #expect(matrix.timeline.isEmpty)
        let redactions = matrix.receiver.requests.filter { $0.target.contains("/redact/") }
        #expect(redactions.count == 3)
        let first = try #require(published.remoteID)
        #expect(redactions[0].target == "/_matrix/client/v3/rooms/\(Self.encodedRoom)/redact/%24\(first.dropFirst())/\(message.idempotencyKey).redact1")
        await matrix.stop()
    }

    @Test func the_homeservers_answers_become_outcomes_in_its_own_words() async throws {
        let matrix = try await MatrixStandIn(uploadLimit: 100) { received, index in
            index == 0 ? MatrixStandIn.error(502, "M_UNKNOWN", "Bad gateway") : nil
        }
        let adapter = try Self.adapter(url: matrix.url)
        let text = Self.message(media: [])
        #expect(await adapter.deliver(text) == .retry(after: nil, reason: "part 1 of 1: Matrix: M_UNKNOWN: Bad gateway", httpStatus: 502))

        let elsewhere = try Self.adapter(url: matrix.url, room: "!Ailleurs:example.org")
        #expect(await elsewhere.deliver(text) == .failed(
            reason: "part 1 of 1: Matrix: M_FORBIDDEN: User @trobador:example.org not in room !Ailleurs:example.org (invite the bot's account to the room, with the power to post there)",
            httpStatus: 403))
        let stranger = try Self.adapter(url: matrix.url, token: "syt_not_the_right_one")
        #expect(await stranger.deliver(text) == .failed(
            reason: "part 1 of 1: Matrix: M_UNKNOWN_TOKEN: Invalid access token passed. (the access token was refused: check `token`)", httpStatus: 401))

        let tooBig = await adapter.deliver(Self.message())
        guard case .failed(let reason, 413) = tooBig else {
            Issue.record("expected M_TOO_LARGE to fail, got \(tooBig)")
            return
        }
        #expect(reason.hasPrefix("image 1 of 1 (affiche.png), its alt text as body, upload: Matrix: M_TOO_LARGE: Upload request body is too large (the homeserver refuses anything this large); already in the room: $event"))
        await matrix.stop()
    }

    @Test func media_a_homeserver_would_refuse_fails_before_any_request() async throws {
        let matrix = try await MatrixStandIn()
        let adapter = try Self.adapter(url: matrix.url)
        #expect(await adapter.deliver(Self.message(media: [ChatRichPost.media(contentType: "application/pdf")])) == .failed(
            reason: "image 1 (affiche.png) is application/pdf; Matrix clients show JPEG, PNG, GIF or WebP", httpStatus: nil))
        #expect(await adapter.deliver(Self.message(media: [ChatRichPost.media(size: 51 * 1_048_576)])) == .failed(
            reason: "image 1 (affiche.png) is 53477376 bytes; homeservers take 50 MB by default", httpStatus: nil))
        #expect(await adapter.deliver(Self.message(action: .update, version: 2)) == .failed(
            reason: "no Matrix event id was recorded for this post, so it cannot be edited", httpStatus: nil))
        #expect(matrix.receiver.count == 0)
        await matrix.stop()
    }

    @Test func setup_refuses_an_alias_and_a_token_with_spaces() {
        #expect {
            try Self.adapter(url: "http://127.0.0.1:1", room: "#patrimoine:example.org")
        } throws: { error in
            "\(error)".contains("an alias such as #room:server is not enough")
        }
        #expect(throws: ChannelSetupError.self) { try Self.adapter(url: "http://127.0.0.1:1", token: "syt abc") }
    }

    @Test func preview_shows_the_same_requests_with_placeholders_and_event_sizes() throws {
        let adapter = try Self.adapter(url: "https://matrix.example.org/")
        let message = Self.message(ChatRichPost.post(body: Self.veryLongBody))
        let previews = adapter.preview(message)
        #expect(previews.map(\.purpose) == [
            "part 1 of 2", "part 2 of 2, in the thread of part 1, replying to part 1",
            "upload image 1 (affiche.png, image/png, \(ChatRichPost.image.count) bytes) to the media repository",
            "image 1 of 1 (affiche.png), its alt text as body",
        ])
        #expect(previews[0].request.url == "https://matrix.example.org/_matrix/client/v3/rooms/\(Self.encodedRoom)/send/m.room.message/\(message.idempotencyKey).part1")
        #expect(String(decoding: previews[1].request.body, as: UTF8.self).contains(#""event_id":"{event id of part 1}""#))
        #expect(String(decoding: previews[3].request.body, as: UTF8.self).contains(#""url":"{mxc URI of image 1}""#))
        for preview in previews where preview.length != nil {
            #expect(preview.length == TextLength(count: preview.request.body.count, limit: 65_536, unit: "bytes of event content (UTF-8 JSON)"))
        }
        #expect(previews[2].request.url == "https://matrix.example.org/_matrix/media/v3/upload?filename=affiche.png")
    }

    @Test func the_stand_in_refuses_what_a_homeserver_refuses() async throws {
        let matrix = try await MatrixStandIn()
        let client = CurlHTTPClient()
        func put(_ path: String, _ body: String, token: String? = MatrixStandIn.token) async throws -> String {
            var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
            if let token { headers.append(("Authorization", "Bearer " + token)) }
            let response = try await client.send(HTTPRequest(method: "PUT", url: matrix.url + path, headers: headers, body: Array(body.utf8)))
            return MatrixReply(response.body).map { $0.errcode ?? "ok" } ?? "?"
        }
        let send = "/_matrix/client/v3/rooms/\(Self.encodedRoom)/send/m.room.message/"
        #expect(try await put(send + "t1", #"{"msgtype":"m.text","body":"Bonjour"}"#, token: nil) == "M_MISSING_TOKEN")
        #expect(try await put("/_matrix/client/v3/rooms/!PatrimoineOc:example.org/send/m.room.message/t2", #"{"msgtype":"m.text","body":"x"}"#) == "M_INVALID_PARAM")
        #expect(try await put(send + "t3", #"{"msgtype":"m.text"}"#) == "M_BAD_JSON")
        #expect(try await put(send + "t4", #"{"msgtype":"m.text","body":"x","format":"org.matrix.custom.html","formatted_body":"<script>x</script>"}"#) == "M_BAD_JSON")
        #expect(try await put(send + "t5", #"{"msgtype":"m.text","body":"x","m.relates_to":{"rel_type":"m.thread","event_id":"$nope"}}"#) == "M_BAD_JSON")
        #expect(try await put(send + "t6", #"{"msgtype":"m.text","body":""# + String(repeating: "é", count: 33_000) + #""}"#) == "M_TOO_LARGE")
        #expect(try await put(send + "t7", #"{"msgtype":"m.text","body":"x"}"#) == "ok")
        await matrix.stop()
    }
}
