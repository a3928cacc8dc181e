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
