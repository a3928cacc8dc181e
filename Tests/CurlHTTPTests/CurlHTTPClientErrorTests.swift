import CurlHTTP
import Testing

/// No HTTP response: each failure has the kind the delivery engine decides on, and keeps
/// libcurl's own words. Time bounds are generous: the machine may be loaded.
@Suite struct CurlHTTPClientErrorTests {
    @Test func silent_server_times_out_within_the_request_timeout() async throws {
        let server = try RawSocketServer(.silent)
        defer { server.stop() }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let request = HTTPRequest(url: "http://127.0.0.1:\(server.port)/", timeout: .milliseconds(500))
        let (error, elapsed) = await measure { await sendExpectingError(client, request) }
        #expect(error?.kind == .timedOut)
        #expect(error?.message.contains("timed out") == true, "\(error?.message ?? "")")
        #expect(elapsed >= .milliseconds(450))
        #expect(elapsed < .seconds(5))
        #expect(server.acceptedConnections == 1)
    }

    @Test func refused_connection_fails_with_curls_explanation() async throws {
        let port = try RawSocketServer.unusedPort()
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let error = await sendExpectingError(client, HTTPRequest(url: "http://127.0.0.1:\(port)/"))
        #expect(error?.kind == .connectionFailed)
        #expect(error?.message.contains("Failed to connect to 127.0.0.1 port \(port)") == true, "\(error?.message ?? "")")
    }

    @Test(arguments: ["ftp://127.0.0.1/file.txt", "file:///etc/passwd", "gopher://127.0.0.1/"])
    func schemes_other_than_http_and_https_are_invalid(url: String) async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let error = await sendExpectingError(client, HTTPRequest(url: url))
        #expect(error?.kind == .invalidRequest)
        #expect(error?.message.isEmpty == false)
    }

    @Test func malformed_url_is_invalid() async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let error = await sendExpectingError(client, HTTPRequest(url: "http://[::1"))
        #expect(error?.kind == .invalidRequest)
    }

    @Test func header_with_line_break_is_refused_before_sending() async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let request = HTTPRequest(url: "http://127.0.0.1:1/", headers: [(name: "X-Note", value: "a\r\nX-Injected: 1")])
        let error = await sendExpectingError(client, request)
        #expect(error?.kind == .invalidRequest)
        #expect(error?.message.contains("X-Note") == true)
    }

    /// Methods and header names are RFC 9110 tokens; anything else is refused before sending,
    /// and every `tchar` passes.
    @Test func methods_and_header_names_must_be_tokens() async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        for method in ["GE T", "", "PÖST", "GET\u{0}", "(GET)"] {
            let error = await sendExpectingError(client, HTTPRequest(method: method, url: "http://127.0.0.1:1/"))
            #expect(error?.kind == .invalidRequest && error?.message.hasPrefix("invalid HTTP method") == true, "\(method)")
        }
        for name in ["X Note", "", "Clé", "X:Note", "X-Note\u{7F}", "X@Note", "{X}"] {
            let error = await sendExpectingError(client, HTTPRequest(url: "http://127.0.0.1:1/", headers: [(name: name, value: "1")]))
            #expect(error?.kind == .invalidRequest && error?.message.hasPrefix("invalid header name") == true, "\(name)")
        }
        // A name of every tchar gets past the check: the request fails only at the closed port.
        let name = "!#$%&'*+-.^_`|~09AZaz"
        let error = await sendExpectingError(client, HTTPRequest(url: "http://127.0.0.1:1/", headers: [(name: name, value: "")]))
        #expect(error?.kind != .invalidRequest, "\(String(describing: error))")
    }

    @Test func announced_body_over_the_cap_is_refused() async throws {
        let client = CurlHTTPClient(maxResponseBodySize: 64 * 1024)
        defer { client.shutdown() }
        try await withLoopbackHTTPServer { base in
            let error = await sendExpectingError(client, HTTPRequest(url: "\(base)/bytes/\(256 * 1024)"))
            #expect(error?.kind == .responseTooLarge)
            #expect(error?.message.contains("larger than the 65536-byte limit") == true, "not libcurl's 'Maximum file size exceeded': \(error?.message ?? "")")
            let fits = try await client.send(HTTPRequest(url: "\(base)/bytes/\(64 * 1024)"))
            #expect(fits.body.count == 64 * 1024)
        }
    }

    @Test func endless_body_is_cut_at_the_cap() async throws {
        let server = try RawSocketServer(.endlessBody)
        defer { server.stop() }
        let client = CurlHTTPClient(maxResponseBodySize: 1024 * 1024)
        defer { client.shutdown() }
        let request = HTTPRequest(url: "http://127.0.0.1:\(server.port)/", timeout: .seconds(30))
        let error = await sendExpectingError(client, request)
        #expect(error?.kind == .responseTooLarge)
        #expect(error?.message.contains("1048576") == true, "\(error?.message ?? "")")
    }

    @Test func endless_headers_are_cut_at_their_own_limit() async throws {
        let server = try RawSocketServer(.endlessHeaders)
        defer { server.stop() }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let request = HTTPRequest(url: "http://127.0.0.1:\(server.port)/", timeout: .seconds(30))
        let error = await sendExpectingError(client, request)
        #expect(error?.kind == .responseTooLarge, "\(error?.message ?? "")")
        #expect(error?.message.contains("headers") == true, "\(error?.message ?? "")")
    }

    @Test func connection_closed_without_answer_is_a_transport_error() async throws {
        let server = try RawSocketServer(.closesWithoutAnswer)
        defer { server.stop() }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let error = await sendExpectingError(client, HTTPRequest(url: "http://127.0.0.1:\(server.port)/"))
        #expect(error?.kind == .transport)
        #expect(error?.message.contains("Empty reply") == true, "\(error?.message ?? "")")
    }
}
