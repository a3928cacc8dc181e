import CurlHTTP
import Testing

/// Certificates are always verified: only a CA bundle given on purpose makes a
/// self-signed server trusted.
@Suite(.enabled(if: OpenSSLTestServer.isAvailable, "needs the openssl command"))
struct CurlHTTPClientTLSTests {
    @Test func self_signed_certificate_is_refused() async throws {
        let server = try OpenSSLTestServer()
        defer { server.stop() }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let error = await sendExpectingError(client, HTTPRequest(url: "https://127.0.0.1:\(server.port)/"))
        #expect(error?.kind == .tls)
        #expect(error?.message.contains("certificate") == true, "\(error?.message ?? "")")
    }

    @Test func certificate_from_the_given_ca_bundle_is_trusted() async throws {
        let server = try OpenSSLTestServer()
        defer { server.stop() }
        let client = CurlHTTPClient(caBundlePath: server.certificatePath)
        defer { client.shutdown() }
        let response = try await client.send(HTTPRequest(url: "https://127.0.0.1:\(server.port)/"))
        #expect(response.status == 200)
        #expect(response.bodyText.contains("<HTML>"))
    }

    @Test func unreadable_ca_bundle_is_a_tls_error() async throws {
        let server = try OpenSSLTestServer()
        defer { server.stop() }
        let client = CurlHTTPClient(caBundlePath: "/nonexistent/trobador-ca.pem")
        defer { client.shutdown() }
        let error = await sendExpectingError(client, HTTPRequest(url: "https://127.0.0.1:\(server.port)/"))
        #expect(error?.kind == .tls)
    }
}
