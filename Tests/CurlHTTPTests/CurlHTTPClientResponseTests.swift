import CurlHTTP
import Foundation
import Testing

/// Whatever the status, a response that arrived is a response: these never throw.
@Suite struct CurlHTTPClientResponseTests {
    @Test func get_returns_status_body_and_response_headers() async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        try await withLoopbackHTTPServer { base in
            let response = try await client.send(HTTPRequest(url: "\(base)/hello"))
            #expect(response.status == 200)
            #expect(response.bodyText == "Fête de la musique 🎶")
            #expect(response.header("x-greeting") == "bonjour")
            #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(response.header("Content-Length") == "\("Fête de la musique 🎶".utf8.count)")
            #expect(response.duration > .zero)
        }
    }

    @Test func post_sends_json_body_and_headers_exactly_as_given() async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let json = #"{"status":"Concerts gratuits le 21 juin 🎶","visibility":"public"}"#
        try await withLoopbackHTTPServer { base in
            let response = try await client.send(HTTPRequest(
                method: "POST",
                url: "\(base)/echo",
                headers: [
                    (name: "Content-Type", value: "application/json"),
                    (name: "Authorization", value: "Bearer secret-token"),
                    (name: "Idempotency-Key", value: "fete-musique-2026/mastodon"),
                ],
                body: Array(json.utf8)))
            #expect(response.status == 200)
            let echoed = try JSONDecoder().decode(EchoedRequest.self, from: Data(response.body))
            #expect(echoed.method == "POST")
            #expect(echoed.path == "/echo")
            #expect(echoed.body == json)
            #expect(echoed.headers["content-type"] == "application/json")
            #expect(echoed.headers["authorization"] == "Bearer secret-token")
            #expect(echoed.headers["idempotency-key"] == "fete-musique-2026/mastodon")
            #expect(echoed.headers["content-length"] == "\(json.utf8.count)")
            #expect(echoed.headers["expect"] == nil, "no 100-continue round trip")
        }
    }

    @Test func body_without_content_type_gets_none_added() async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        try await withLoopbackHTTPServer { base in
            let response = try await client.send(HTTPRequest(method: "POST", url: "\(base)/echo", body: Array("raw".utf8)))
            let echoed = try JSONDecoder().decode(EchoedRequest.self, from: Data(response.body))
            #expect(echoed.body == "raw")
            #expect(echoed.headers["content-type"] == nil)
        }
    }

    @Test(arguments: ["PUT", "PATCH", "DELETE"])
    func other_methods_are_sent_with_their_body(method: String) async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        try await withLoopbackHTTPServer { base in
            let response = try await client.send(HTTPRequest(
                method: method, url: "\(base)/echo",
                headers: [(name: "Content-Type", value: "text/plain")],
                body: Array("payload for \(method)".utf8)))
            let echoed = try JSONDecoder().decode(EchoedRequest.self, from: Data(response.body))
            #expect(echoed.method == method)
            #expect(echoed.body == "payload for \(method)")
        }
    }

    @Test(arguments: ["PUT", "DELETE"])
    func methods_without_a_body_send_none(method: String) async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        try await withLoopbackHTTPServer { base in
            let response = try await client.send(HTTPRequest(method: method, url: "\(base)/echo"))
            let echoed = try JSONDecoder().decode(EchoedRequest.self, from: Data(response.body))
            #expect(echoed.method == method)
            #expect(echoed.body == "")
        }
    }

    @Test func header_with_empty_value_is_sent() async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        try await withLoopbackHTTPServer { base in
            let response = try await client.send(HTTPRequest(url: "\(base)/echo", headers: [(name: "X-Empty", value: "")]))
            let echoed = try JSONDecoder().decode(EchoedRequest.self, from: Data(response.body))
            #expect(echoed.headers["x-empty"] == "")
        }
    }

    @Test func status_503_is_a_response_not_an_error() async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        try await withLoopbackHTTPServer { base in
            let response = try await client.send(HTTPRequest(url: "\(base)/status/503"))
            #expect(response.status == 503)
            #expect(response.bodyText == "maintenance")
        }
    }

    @Test func redirect_is_returned_as_is_not_followed() async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        try await withLoopbackHTTPServer { base in
            let response = try await client.send(HTTPRequest(url: "\(base)/redirect"))
            #expect(response.status == 302)
            #expect(response.header("Location") == "/hello")
            #expect(response.bodyText == "moved")
        }
    }

    @Test func only_the_final_response_headers_are_kept_after_100_continue() async throws {
        let server = try RawSocketServer(.interimThenOK)
        defer { server.stop() }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let response = try await client.send(HTTPRequest(url: "http://127.0.0.1:\(server.port)/"))
        #expect(response.status == 200)
        #expect(response.bodyText == "done")
        #expect(response.header("X-Final") == "yes")
        #expect(response.header("X-Interim") == nil)
    }

    @Test func hundred_concurrent_requests_all_complete_with_their_own_answer() async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        try await withLoopbackHTTPServer { base in
            let echoedBodies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for index in 0..<100 {
                    group.addTask {
                        let response = try await client.send(HTTPRequest(
                            method: "POST", url: "\(base)/echo", body: Array("request \(index)".utf8)))
                        #expect(response.status == 200)
                        let echoed = try JSONDecoder().decode(EchoedRequest.self, from: Data(response.body))
                        return (index, echoed.body)
                    }
                }
                var bodies: [Int: String] = [:]
                for try await (index, body) in group { bodies[index] = body }
                return bodies
            }
            #expect(echoedBodies.count == 100)
            for index in 0..<100 {
                #expect(echoedBodies[index] == "request \(index)")
            }
        }
    }

    @Test func sequential_requests_reuse_one_kept_alive_connection() async throws {
        let server = try RawSocketServer(.keepAliveOK)
        defer { server.stop() }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        for _ in 0..<20 {
            let response = try await client.send(HTTPRequest(url: "http://127.0.0.1:\(server.port)/ping"))
            #expect(response.status == 200)
            #expect(response.bodyText == "ok")
        }
        #expect(server.acceptedConnections == 1)
    }

    /// An ended transfer's easy handle serves the next request while others are under way
    /// (the client frees them a second after nothing is): each request goes out as described, with
    /// nothing of the one before (its method, headers or body).
    @Test func a_handle_reused_for_the_next_request_carries_nothing_of_the_one_before() async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        try await whileBusy(client) {
            try await withLoopbackHTTPServer { base in
                let put = try await client.send(HTTPRequest(
                    method: "PUT", url: "\(base)/echo",
                    headers: [(name: "Authorization", value: "Bearer secret-token"), (name: "Content-Type", value: "application/json")],
                    body: Array(#"{"status":"Fête"}"#.utf8)))
                #expect(try JSONDecoder().decode(EchoedRequest.self, from: Data(put.body)).method == "PUT")
                let get = try await client.send(HTTPRequest(url: "\(base)/echo"))
                let echoed = try JSONDecoder().decode(EchoedRequest.self, from: Data(get.body))
                #expect(echoed.method == "GET")
                #expect(echoed.body == "")
                #expect(echoed.headers["authorization"] == nil)
                #expect(echoed.headers["content-type"] == nil)
                #expect(echoed.headers["content-length"] == nil)
            }
        }
    }

    /// The connections opened to one host for requests sent at once, once they are all waiting
    /// on a server that never answers; the requests are then cancelled.
    static func connectionsOpened(by client: CurlHTTPClient, sending count: Int, settle: Duration) async throws -> Int {
        let server = try RawSocketServer(.silent)
        defer { server.stop() }
        return await withTaskGroup(of: Void.self) { group in
            for _ in 0..<count {
                group.addTask { _ = try? await client.send(HTTPRequest(url: "http://127.0.0.1:\(server.port)/hold", timeout: .seconds(30))) }
            }
            let deadline = ContinuousClock.now + settle
            while server.acceptedConnections < count && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(10))
            }
            try? await Task.sleep(for: .milliseconds(100))
            group.cancelAll()
            return server.acceptedConnections
        }
    }

    /// The channels' own concurrency bounds their requests: the client adds no cap of its own
    /// per host, which would silently lower it for channels that share one (three webhooks to
    /// one receiver, 16 each, got 8 connections between them).
    @Test func requests_sent_at_once_to_one_host_each_get_a_connection() async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        #expect(try await Self.connectionsOpened(by: client, sending: 24, settle: .seconds(10)) == 24)
    }

    @Test func a_per_host_limit_given_is_kept() async throws {
        let client = CurlHTTPClient(maxConnectionsPerHost: 4)
        defer { client.shutdown() }
        #expect(try await Self.connectionsOpened(by: client, sending: 12, settle: .milliseconds(500)) == 4)
    }
}
