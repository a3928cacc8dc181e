import CurlHTTP
import TrobadorCore

/// Authorized XRPC calls: each request carries the session's access token, and an
/// `ExpiredToken` (or `InvalidToken`) answer renews the session and sends the request once
/// more, within the same delivery.
struct BlueskyClient: Sendable {
    var api: BlueskyAPI
    var session: BlueskySession
    var http: any HTTPClient

    /// Sends the request `build` makes with the session's tokens. Returns the response when
    /// it is 2xx or `accepting` takes it; otherwise stops the delivery with the outcome the
    /// answer means, its reason starting with `what`.
    func call(
        _ what: String, accepting: (HTTPResponse) -> Bool = { _ in false },
        _ build: (BlueskySession.Tokens) -> HTTPRequest
    ) async throws(BlueskyStop) -> HTTPResponse {
        var tokens = try await session.current()
        var result = await http.exchange(build(tokens))
        if BlueskyAnswer.wantsNewSession(result) {
            tokens = try await session.renewed(after: tokens)
            result = await http.exchange(build(tokens))
        }
        if case .success(let response) = result, (200..<300).contains(response.status) || accepting(response) {
            return response
        }
        throw BlueskyStop(outcome: BlueskyAnswer.outcome(result)).during(what)
    }

    /// The repository's DID, which record addresses start with.
    func did() async throws(BlueskyStop) -> String {
        try await session.current().did
    }
}
