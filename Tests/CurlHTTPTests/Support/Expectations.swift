import CurlHTTP
import Testing

/// Sends `request` expecting a failure; records an issue and returns nil if a response came.
func sendExpectingError(
    _ client: CurlHTTPClient, _ request: HTTPRequest, sourceLocation: SourceLocation = #_sourceLocation
) async -> HTTPError? {
    do {
        let response = try await client.send(request)
        Issue.record("expected an error, got HTTP \(response.status)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Time taken by `operation`, for the generous upper bounds the tests check.
func measure<T>(_ operation: () async throws -> T) async rethrows -> (T, Duration) {
    let start = ContinuousClock.now
    let result = try await operation()
    return (result, ContinuousClock.now - start)
}

/// Polls `condition` until it holds, failing after a generous deadline.
func waitUntil(
    timeout: Duration = .seconds(10), _ condition: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within \(timeout)", sourceLocation: sourceLocation)
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// Runs `body` while `client` has a request under way to a server that never answers, then
/// cancels that request: what the client does while busy (it keeps the handles of ended
/// transfers for the next requests).
func whileBusy(_ client: CurlHTTPClient, _ body: () async throws -> Void) async throws {
    let silent = try RawSocketServer(.silent)
    defer { silent.stop() }
    let held = Task { await sendExpectingError(client, HTTPRequest(url: "http://127.0.0.1:\(silent.port)/hold", timeout: .seconds(60))) }
    try await waitUntil { silent.acceptedConnections == 1 }
    try await body()
    held.cancel()
    #expect(await held.value?.kind == .cancelled)
}
