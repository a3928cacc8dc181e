import CurlHTTP
import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorChannels
@testable import TrobadorCore

@Suite("telegram channel, against a stand-in for the Bot API")
struct TelegramChannelTests {
    static func adapter(
        url: String, token: String = TelegramStandIn.token, chat: String = String(TelegramStandIn.chatID),
        stored: [StoredMedia] = [ChatRichPost.media(withData: true)]
    ) throws -> any ChannelAdapter {
        let channel = ChannelConfig(name: "telegram", type: "telegram", settings: [
            "url": .string(url), "token": .secret(Secret(token, origin: "literal")), "chat_id": .string(chat),
        ])
        return try TelegramChannelType().makeAdapter(
            for: channel, context: ChannelContext(http: CurlHTTPClient(), spoolDirectory: "/tmp", loadMedia: { _, _ in stored }))
    }

    static func message(
        _ post: Post = ChatRichPost.post(), action: PostAction = .publish, version: Int = 1,
        media: [StoredMedia] = [ChatRichPost.media()], previous: Receipt? = nil, progress: Receipt? = nil
    ) -> OutboundMessage {
        ChatRichPost.message(post, channel: "telegram", action: action, version: version, media: media, previous: previous, progress: progress)
    }

    static func receipt(_ outcome: DeliveryOutcome) throws -> Receipt {
        guard case .delivered(let receipt) = outcome else { throw ChatOutcomeMismatch(outcome: outcome) }
        return receipt
    }

    @Test func the_rich_french_post_is_one_html_message_then_the_image_with_its_alt_text_as_caption() async throws {
        let telegram = try await TelegramStandIn()
        let adapter = try Self.adapter(url: telegram.url)
        let receipt = try Self.receipt(await adapter.deliver(Self.message()))

        #expect(receipt.remoteID == "100")
        #expect(receipt.url == "https://t.me/region_occitanie/100")
        #expect(receipt.parts == ["100", "media:101"])
        #expect(receipt.httpStatus == 200)

        let calls = telegram.calls
        #expect(calls.map(\.method) == ["sendMessage", "sendPhoto"])
        #expect(telegram.receiver.requests.allSatisfy { $0.method == "POST" && $0.path.hasPrefix("/bot\(TelegramStandIn.token)/") })
        #expect(calls[0].contentType == "application/json")
        #expect(calls[0].parameters["parse_mode"] == "HTML")
        #expect(calls[0].object("link_preview_options")?["url"] as? String == ChatRichPost.post().link)

        let text = try TelegramEntityParser.parse(try #require(calls[0].parameters["text"])).get()
        #expect(text.utf16.count <= 4096)
        #expect(text.hasPrefix("Journées du patrimoine 2026 : l'Occitanie ouvre ses portes"))
        for piece in ["🇫🇷", "👧🧒", ChatRichPost.longURL, "#JEP2026", "#Patrimoine", "#Occitanie", "« Patrimoine et création »"] {
            #expect(text.contains(piece), "\(piece) is in the message")
        }
        #expect(calls[0].parameters["text"]?.contains("<b>plus de 1 200 monuments</b>") == true)
        #expect(calls[0].parameters["text"]?.contains("<i>Carte Jeune Région</i>") == true)

        #expect(calls[1].contentType.hasPrefix("multipart/form-data; boundary="))
        #expect(calls[1].parameters["caption"] == ChatRichPost.alt)
        #expect(calls[1].file?.filename == "affiche.png")
        #expect(calls[1].file?.contentType == "image/png")
        #expect(calls[1].file?.size == ChatRichPost.image.count)
        #expect(telegram.messages[1].replyTo == 100, "the image replies to the text")
        await telegram.stop()
    }

    @Test func a_long_post_becomes_a_reply_chain_of_numbered_parts_each_within_4096_utf16_units() async throws {
        let telegram = try await TelegramStandIn()
        let adapter = try Self.adapter(url: telegram.url)
        let receipt = try Self.receipt(await adapter.deliver(Self.message(ChatRichPost.post(body: ChatRichPost.longBody))))

        let texts = telegram.messages.filter { $0.kind == .text }
        #expect(texts.count >= 2)
        #expect(receipt.parts == telegram.messages.map { $0.kind == .text ? "\($0.id)" : "media:\($0.id)" })
        for (index, message) in texts.enumerated() {
            let shown = try TelegramEntityParser.parse(message.text).get()
            #expect(shown.utf16.count <= 4096)
            #expect(shown.hasSuffix("\(index + 1)/\(texts.count)"), "part \(index + 1) is numbered")
            #expect(message.replyTo == (index == 0 ? nil : texts[index - 1].id), "each part replies to the one before")
        }
        #expect(telegram.calls.dropFirst().filter { $0.method == "sendMessage" }.allSatisfy { $0.object("link_preview_options")?["is_disabled"] as? Bool == true })
        #expect(telegram.messages.last?.replyTo == texts.last?.id, "the image follows the last part")
        await telegram.stop()
    }

    @Test func flood_control_mid_thread_retries_after_telegrams_delay_and_the_next_attempt_goes_on_without_reposting() async throws {
        let telegram = try await TelegramStandIn { call, index in
            index == 1 ? TelegramStandIn.error(429, "Too Many Requests: retry after 5", parameters: ["retry_after": 5]) : nil
        }
        let adapter = try Self.adapter(url: telegram.url)
        let post = ChatRichPost.post(body: ChatRichPost.longBody)
        let first = await adapter.deliver(Self.message(post))
        guard case .retry(let after, let reason, 429, let progress?) = first else {
            Issue.record("expected a retry with progress, got \(first)")
            return
        }
        #expect(after == .seconds(5))
        #expect(reason == "part 2 of 2, in reply to part 1: Telegram: Too Many Requests: retry after 5")
        #expect(progress.parts == ["100"])
        #expect(progress.remoteID == "100")

        let receipt = try Self.receipt(await adapter.deliver(Self.message(post, progress: progress)))
        let texts = telegram.visible.filter { $0.kind == .text }
        #expect(texts.count == 2, "part 1 was not sent twice")
        #expect(receipt.parts == ["100", "101", "media:102"])
        #expect(texts[1].replyTo == 100)
        await telegram.stop()
    }

    @Test func an_update_edits_each_part_in_place_and_the_caption_of_the_image() async throws {
        let telegram = try await TelegramStandIn()
        let adapter = try Self.adapter(url: telegram.url)
        let published = try Self.receipt(await adapter.deliver(Self.message()))

        let corrected = ChatRichPost.post(body: ChatRichPost.body.replacingOccurrences(of: "1 200", with: "1 300"), action: .update)
        let newAlt = "Affiche : la cité de Carcassonne au coucher du soleil"
        let updated = try Self.receipt(await adapter.deliver(Self.message(
            corrected, action: .update, version: 2, media: [ChatRichPost.media(alt: newAlt)], previous: published)))

        #expect(updated.parts == published.parts)
        #expect(updated.url == published.url)
        #expect(updated.httpStatus == 200)
        let edits = telegram.calls.dropFirst(2)
        #expect(edits.map(\.method) == ["editMessageText", "editMessageCaption"])
        #expect(edits.map { $0.parameters["message_id"] } == ["100", "101"])
        #expect(telegram.messages[0].text.contains("<b>plus de 1 300 monuments</b>"))
        #expect(telegram.messages[1].text == newAlt)
        #expect(telegram.messages.count == 2, "nothing new was sent")
        await telegram.stop()
    }

    @Test func an_update_to_the_same_text_is_not_an_error() async throws {
        let telegram = try await TelegramStandIn()
        let adapter = try Self.adapter(url: telegram.url)
        let published = try Self.receipt(await adapter.deliver(Self.message()))
        let again = try Self.receipt(await adapter.deliver(Self.message(action: .update, version: 2, previous: published)))
        #expect(again.parts == published.parts)
        #expect(again.httpStatus == 400, "both edits were answered \"message is not modified\"")
        await telegram.stop()
    }

    @Test func an_update_with_fewer_parts_deletes_the_surplus_and_one_with_more_adds_replies() async throws {
        let telegram = try await TelegramStandIn()
        let adapter = try Self.adapter(url: telegram.url)
        let long = try Self.receipt(await adapter.deliver(Self.message(ChatRichPost.post(body: ChatRichPost.longBody))))
        #expect(long.parts == ["100", "101", "media:102"])

        let short = try Self.receipt(await adapter.deliver(Self.message(action: .update, version: 2, previous: long)))
        #expect(short.parts == ["100", "media:102"])
        #expect(telegram.calls.dropFirst(3).map(\.method) == ["editMessageText", "editMessageCaption", "deleteMessage"])
        #expect(telegram.calls.last?.parameters["message_id"] == "101")
        #expect(telegram.visible.map(\.id) == [100, 102])

        let longer = try Self.receipt(await adapter.deliver(Self.message(
            ChatRichPost.post(body: ChatRichPost.longBody), action: .update, version: 3, previous: short)))
        #expect(longer.parts == ["100", "103", "media:102"])
        #expect(telegram.calls.dropFirst(6).map(\.method) == ["editMessageText", "sendMessage", "editMessageCaption"])
        #expect(telegram.messages.first { $0.id == 103 }?.replyTo == 100)
        await telegram.stop()
    }

    @Test func a_retraction_deletes_every_message_and_one_already_gone_is_fine() async throws {
        let telegram = try await TelegramStandIn()
        let adapter = try Self.adapter(url: telegram.url)
        let published = try Self.receipt(await adapter.deliver(Self.message(ChatRichPost.post(body: ChatRichPost.longBody))))
        telegram.delete(101)  // removed by hand in the chat

        let retracted = try Self.receipt(await adapter.deliver(Self.message(action: .retract, version: 2, previous: published)))
        #expect(retracted.parts == published.parts)
        #expect(retracted.url == nil)
        let deletions = telegram.calls.filter { $0.method == "deleteMessage" }
        #expect(deletions.map { $0.parameters["message_id"] } == ["100", "101", "102"])
        #expect(telegram.visible.isEmpty)
        await telegram.stop()
    }

    @Test func telegrams_answers_become_outcomes_in_its_own_words() async throws {
        let telegram = try await TelegramStandIn { _, index in
            switch index {
            case 0: TelegramStandIn.error(500, "Internal Server Error")
            case 1: TelegramStandIn.error(403, "Forbidden: bot is not a member of the channel chat")
            case 2: TelegramStandIn.error(400, "Bad Request: group chat was upgraded to a supergroup chat", parameters: ["migrate_to_chat_id": -1009876543210])
            case 3: TelegramStandIn.error(400, "Bad Request: message is too long")
            default: nil
            }
        }
        let adapter = try Self.adapter(url: telegram.url)
        let one = Self.message(media: [])
        #expect(await adapter.deliver(one) == .retry(after: nil, reason: "part 1 of 1: Telegram: Internal Server Error", httpStatus: 500))
        #expect(await adapter.deliver(one) == .failed(
            reason: "part 1 of 1: Telegram: Forbidden: bot is not a member of the channel chat (add the bot to the chat, with the right to post)",
            httpStatus: 403))
        #expect(await adapter.deliver(one) == .failed(
            reason: "part 1 of 1: Telegram: Bad Request: group chat was upgraded to a supergroup chat (the group is now the supergroup -1009876543210: set chat_id = \"-1009876543210\")",
            httpStatus: 400))
        #expect(await adapter.deliver(one) == .failed(reason: "part 1 of 1: Telegram: Bad Request: message is too long", httpStatus: 400))

        let wrongChat = try Self.adapter(url: telegram.url, chat: "@ailleurs")
        #expect(await wrongChat.deliver(one) == .failed(
            reason: "part 1 of 1: Telegram: Bad Request: chat not found (check `chat_id`, and that the bot was added to the chat)", httpStatus: 400))
        let wrongToken = try Self.adapter(url: telegram.url, token: "987654321:AAWrongWrongWrongWrongWrongWrong")
        #expect(await wrongToken.deliver(one) == .failed(
            reason: "part 1 of 1: Telegram: Unauthorized (the bot token was refused: check `token`)", httpStatus: 401))
        await telegram.stop()
    }

    @Test func media_telegram_would_refuse_fails_before_any_request() async throws {
        let telegram = try await TelegramStandIn()
        let adapter = try Self.adapter(url: telegram.url)
        let pdf = await adapter.deliver(Self.message(media: [ChatRichPost.media(contentType: "application/pdf")]))
        #expect(pdf == .failed(reason: "image 1 (affiche.png) is application/pdf; Telegram takes JPEG, PNG, WebP or GIF", httpStatus: nil))
        let big = await adapter.deliver(Self.message(media: [ChatRichPost.media(size: 11 * 1_048_576)]))
        #expect(big == .failed(reason: "image 1 (affiche.png) is 11534336 bytes; Telegram's sendPhoto takes 10 MB at most", httpStatus: nil))
        let wordy = await adapter.deliver(Self.message(media: [ChatRichPost.media(alt: String(repeating: "é", count: 1025))]))
        #expect(wordy == .failed(
            reason: "the alt text of image 1 (affiche.png) is 1025 UTF-16 units; Telegram captions hold 1024: shorten it", httpStatus: nil))
        #expect(telegram.receiver.count == 0)
        await telegram.stop()
    }

    @Test func a_gif_goes_as_an_animation_with_its_caption() async throws {
        let telegram = try await TelegramStandIn()
        var gif = ChatRichPost.media(contentType: "image/gif", withData: true)
        gif.name = "carillon.gif"
        let adapter = try Self.adapter(url: telegram.url, stored: [gif])
        gif.data = nil
        let receipt = try Self.receipt(await adapter.deliver(Self.message(media: [gif])))
        #expect(receipt.parts == ["100", "media:101"])
        #expect(telegram.calls.last?.method == "sendAnimation")
        #expect(telegram.calls.last?.file?.name == "animation")
        #expect(telegram.calls.last?.file?.filename == "carillon.gif")
        #expect(telegram.messages.last?.kind == .animation)
        await telegram.stop()
    }

    @Test func a_message_too_old_to_delete_fails_with_telegrams_rule() async throws {
        let telegram = try await TelegramStandIn { call, _ in
            call.method == "deleteMessage" ? TelegramStandIn.error(400, "Bad Request: message can't be deleted") : nil
        }
        let adapter = try Self.adapter(url: telegram.url)
        let published = try Self.receipt(await adapter.deliver(Self.message()))
        #expect(await adapter.deliver(Self.message(action: .retract, version: 2, previous: published)) == .failed(
            reason: "delete message 1 of 2: Telegram: Bad Request: message can't be deleted (bots may delete their messages only within 48 hours, and in channels only with the right to delete)",
            httpStatus: 400))
        await telegram.stop()
    }

    @Test func edits_and_deletions_without_a_recorded_message_fail_clearly() async throws {
        let adapter = try Self.adapter(url: "http://127.0.0.1:1")
        #expect(await adapter.deliver(Self.message(action: .update, version: 2)) == .failed(
            reason: "no Telegram message id was recorded for this post, so it cannot be edited", httpStatus: nil))
        #expect(await adapter.deliver(Self.message(action: .retract, version: 2)) == .failed(
            reason: "no Telegram message id was recorded for this post, so it cannot be deleted", httpStatus: nil))
    }

    @Test func the_token_never_appears_in_a_reason_and_a_bad_token_is_refused_at_setup() async throws {
        let refused = try Self.adapter(url: "http://127.0.0.1:1")
        let outcome = await refused.deliver(Self.message())
        guard case .retry(nil, let reason, nil, nil) = outcome else {
            Issue.record("a refused connection is retried, got \(outcome)")
            return
        }
        #expect(!reason.contains(TelegramStandIn.token) && !reason.contains("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"))
        #expect(reason.hasPrefix("part 1 of 1: "))

        for bad in ["123456789:AAH/../../etc", "123456789:AA?x=1", "not-a-token"] {
            #expect {
                try Self.adapter(url: "http://127.0.0.1:1", token: bad)
            } throws: { error in
                "\(error)" == "channel telegram: `token` is not a bot token (digits, a colon, then letters, digits, _ or -, as @BotFather gives it)"
            }
        }
        #expect(throws: ChannelSetupError.self) { try Self.adapter(url: "http://127.0.0.1:1", chat: "ma chaîne") }
    }

    @Test func preview_shows_the_same_calls_with_placeholders_and_telegrams_lengths() throws {
        let adapter = try Self.adapter(url: "https://api.telegram.org")
        let long = adapter.preview(Self.message(ChatRichPost.post(body: ChatRichPost.longBody)))
        #expect(long.map(\.purpose) == [
            "part 1 of 2", "part 2 of 2, in reply to part 1",
            "image 1 of 1 (affiche.png), its alt text as caption, in reply to message 2",
        ])
        #expect(long[0].request.url == "https://api.telegram.org/bot\(TelegramStandIn.token)/sendMessage")
        #expect(String(decoding: long[1].request.body, as: UTF8.self).contains(#""reply_parameters":{"message_id":"{message id of message 1}""#))
        for preview in long.prefix(2) {
            let length = try #require(preview.length)
            #expect(length.limit == 4096 && length.count <= 4096 && length.unit == "UTF-16 units, tags not counted")
            let shown = try TelegramEntityParser.parse(try #require(Self.text(of: preview.request))).get()
            #expect(length.count == shown.utf16.count)
        }
        #expect(long[2].length == TextLength(count: ChatRichPost.alt.utf16.count, limit: 1024, unit: "UTF-16 units of caption"))
        #expect(long[2].request.body.count > ChatRichPost.image.count)

        let update = adapter.preview(Self.message(action: .update, version: 2, previous: Receipt(remoteID: "{remote id}", parts: ["{remote id}"])))
        #expect(update.map(\.purpose) == ["edit part 1 of 1", "image 1 of 1 (affiche.png), its alt text as caption, in reply to message 1"])
        for preview in long + update {
            #expect(!preview.purpose.contains(TelegramStandIn.token))
            #expect(!String(decoding: preview.request.body, as: UTF8.self).contains(TelegramStandIn.token))
            #expect(preview.request.headers.allSatisfy { !$0.value.contains(TelegramStandIn.token) })
        }
    }

    @Test func the_stand_in_refuses_what_telegram_refuses() async throws {
        let telegram = try await TelegramStandIn()
        let client = CurlHTTPClient()
        func send(_ text: String) async throws -> String {
            let body = JSONValue.object([("chat_id", .integer(Int(TelegramStandIn.chatID))), ("text", .string(text)), ("parse_mode", "HTML")])
            let response = try await client.send(HTTPRequest(
                method: "POST", url: telegram.url + "/bot\(TelegramStandIn.token)/sendMessage",
                headers: [("Content-Type", "application/json")], body: body.bytes))
            return (TelegramReply(response.body)?.description) ?? "ok"
        }
        #expect(try await send("<p>texte</p>") == "Bad Request: can't parse entities: Unsupported start tag \"p\" at byte offset 0")
        #expect(try await send("<b>gras <code>x</code></b>").hasPrefix("Bad Request: can't parse entities: Entity \"code\" can't be inside \"b\""))
        #expect(try await send("Toulouse & Montpellier").hasPrefix("Bad Request: can't parse entities: Character '&'"))
        #expect(try await send("<b>ouvert") == "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"")
        #expect(try await send(String(repeating: "🇫🇷", count: 1025)) == "Bad Request: message is too long", "4100 UTF-16 units")
        #expect(try await send("<b>" + String(repeating: "é", count: 4096) + "</b>") == "ok", "tags do not count")
        await telegram.stop()
    }

    static func text(of request: HTTPRequest) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])?["text"] as? String
    }
}
