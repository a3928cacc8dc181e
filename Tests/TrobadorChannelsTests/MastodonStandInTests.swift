import CurlHTTP
import Foundation
import Testing
import TrobadorTestSupport

@Suite("the Mastodon stand-in behaves as Mastodon")
struct MastodonStandInTests {
    func send(_ instance: MastodonStandIn, _ text: String, key: String? = nil, token: String? = nil) async throws -> HTTPResponse {
        var headers: [(name: String, value: String)] = [("Authorization", "Bearer " + (token ?? instance.token)), ("Content-Type", "application/json")]
        if let key { headers.append(("Idempotency-Key", key)) }
        let body = Array(JSONSerialization.string(["status": text]).utf8)
        return try await CurlHTTPClient().send(HTTPRequest(method: "POST", url: instance.url + "/api/v1/statuses", headers: headers, body: body))
    }

    @Test func counts_every_url_as_23_and_refuses_501_with_mastodons_error() async throws {
        let instance = try await MastodonStandIn.start()
        let url = "https://www.example.org/" + String(repeating: "a", count: 200) + "?x=1"
        let fits = String(repeating: "é", count: 476) + " " + url
        #expect(MastodonStandIn.length(fits) == 500)
        #expect(try await send(instance, fits).status == 200)
        let over = try await send(instance, String(repeating: "é", count: 477) + " " + url)
        #expect(over.status == 422)
        #expect(over.bodyText == #"{"error":"Validation failed: Text character limit of 500 exceeded"}"#)
        await instance.stop()
    }

    @Test func a_repeated_idempotency_key_returns_the_status_already_made() async throws {
        let instance = try await MastodonStandIn.start()
        let first = try await send(instance, "Bonjour 🇫🇷", key: "k-1")
        let again = try await send(instance, "Bonjour 🇫🇷", key: "k-1")
        #expect(first.bodyText == again.bodyText)
        #expect(instance.statuses.count == 1)
        #expect(try await send(instance, "Bonjour", token: "wrong").status == 401)
        await instance.stop()
    }
}
