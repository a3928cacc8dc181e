import FlyingFox
import Foundation
import FlyingSocks
import Synchronization

/// A real HTTP server on 127.0.0.1, on a port the system picks, that records every request
/// and answers what the test tells it to. Stands in for a webhook receiver or a platform.
public final class LoopbackReceiver: Sendable {
    public struct Received: Sendable {
        public var method: String
        public var path: String
        /// The request target as sent, still percent-encoded: path, then `?` and the query if
        /// any (`path` is decoded).
        public var target: String
        /// The query string's items, decoded (`?wait=true` gives `["wait": "true"]`).
        public var query: [String: String]
        public var headers: [String: String]
        public var body: Data
        public var at: Date

        public func header(_ name: String) -> String? { headers[name.lowercased()] }
        public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
    }

    /// A canned answer.
    public struct Answer: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: String
        /// Wait this long before answering (a slow platform).
        public var delay: Duration

        public init(status: Int = 200, headers: [String: String] = ["Content-Type": "application/json"], body: String = "{}", delay: Duration = .zero) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
        }
    }

    private let server: HTTPServer
    private let task: Task<Void, Never>
    private let log = Locked<[Received]>([])
    public let port: UInt16

    /// Starts the server. `respond` is asked for each request, with the number of requests
    /// received before it.
    public init(port: UInt16 = 0, respond: @escaping @Sendable (Received, Int) -> Answer = { _, _ in Answer() }) async throws {
        let server = HTTPServer(address: try sockaddr_in.inet(ip4: "127.0.0.1", port: port), timeout: 60, logger: .disabled)
        let log = self.log
        await server.appendRoute("*") { request in
            let received = Received(
                method: request.method.rawValue, path: request.path, target: request.target.rawValue,
                query: Dictionary(request.query.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }),
                headers: Dictionary(request.headers.map { ($0.key.rawValue.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first }),
                body: try await request.bodyData, at: Date())
            let index = log.withLock { entries in
                entries.append(received)
                return entries.count - 1
            }
            let answer = respond(received, index)
            if answer.delay > .zero { try? await Task.sleep(for: answer.delay) }
            var headers = HTTPHeaders()
            for (name, value) in answer.headers { headers[HTTPHeader(name)] = value }
            return HTTPResponse(statusCode: HTTPStatusCode(answer.status, phrase: "Status \(answer.status)"), headers: headers, body: Data(answer.body.utf8))
        }
        self.server = server
        task = Task { try? await server.run() }
        try await server.waitUntilListening()
        guard case .ip4(_, let port)? = await server.listeningAddress else {
            throw CocoaError(.featureUnsupported)
        }
        self.port = port
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    public var requests: [Received] { log.withLock { $0 } }

    public var count: Int { log.withLock { $0.count } }

    /// Waits until `condition` holds for the requests received, or `timeout` passes.
    @discardableResult
    public func wait(timeout: Duration = .seconds(30), until condition: ([Received]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if log.withLock({ condition($0) }) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return log.withLock { condition($0) }
    }

    public func stop() async {
        await server.stop(timeout: 0)
        task.cancel()
    }
}

