import FlyingFox
import Foundation

// This file alone imports FlyingFox, whose HTTPRequest and HTTPResponse would clash with
// CurlHTTP's in the test files.

/// What the `/echo` route saw, sent back as JSON so a test can compare it with what it sent.
struct EchoedRequest: Codable, Sendable {
    var method: String
    var path: String
    /// Header names lowercased.
    var headers: [String: String]
    var body: String
}

/// Runs `body` with a real HTTP server listening on 127.0.0.1 on a free port, given as
/// its base URL (`http://127.0.0.1:PORT`), and stops the server afterwards.
///
/// Routes: `GET /hello` (200, text, `X-Greeting` header), `/echo` (any method, answers an
/// `EchoedRequest`), `GET /status/503`, `GET /redirect` (302 to `/hello`), and
/// `GET /bytes/N` (N bytes, with a Content-Length).
func withLoopbackHTTPServer<T: Sendable>(_ body: (_ baseURL: String) async throws -> T) async throws -> T {
    let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: 0), logger: .disabled)
    await addRoutes(to: server)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        defer { group.cancelAll() }
        try await server.waitUntilListening(timeout: 30)
        guard case let .ip4(_, port) = await server.listeningAddress else {
            throw LoopbackServerError.noPort
        }
        do {
            let result = try await body("http://127.0.0.1:\(port)")
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }
}

enum LoopbackServerError: Error {
    case noPort
}

private func addRoutes(to server: HTTPServer) async {
    await server.appendRoute("GET /hello") { _ in
        HTTPResponse(
            statusCode: .ok,
            headers: [HTTPHeader("X-Greeting"): "bonjour", .contentType: "text/plain; charset=utf-8"],
            body: Data("Fête de la musique 🎶".utf8))
    }
    await server.appendRoute("/echo") { request in
        var headers: [String: String] = [:]
        for (name, value) in request.headers {
            headers[name.rawValue.lowercased()] = value
        }
        let echoed = EchoedRequest(
            method: request.method.rawValue,
            path: request.path,
            headers: headers,
            body: String(decoding: try await request.bodyData, as: UTF8.self))
        return HTTPResponse(
            statusCode: .ok,
            headers: [.contentType: "application/json"],
            body: try JSONEncoder().encode(echoed))
    }
    await server.appendRoute("GET /status/503") { _ in
        HTTPResponse(statusCode: .serviceUnavailable, body: Data("maintenance".utf8))
    }
    await server.appendRoute("GET /redirect") { _ in
        HTTPResponse(statusCode: .found, headers: [.location: "/hello"], body: Data("moved".utf8))
    }
    await server.appendRoute("GET /bytes/:count") { (count: Int) in
        HTTPResponse(statusCode: .ok, body: Data(repeating: UInt8(ascii: "x"), count: count))
    }
}
