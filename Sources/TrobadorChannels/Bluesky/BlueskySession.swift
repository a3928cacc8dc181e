import CurlHTTP
import Foundation
import TrobadorCore

/// The account's session on its PDS, one per adapter: created on first use, reused by every
/// delivery, renewed with the refresh token when the access token expires, and created
/// again only if the refresh token is refused too. Logging in each time would hit the
/// PDS's tight `createSession` limit (30 per 5 minutes) and alert the account's owner.
///
/// The tokens and the password stay in this actor; they leave it only inside the
/// `Authorization` header or the body of a request, never in an outcome or a log line.
actor BlueskySession {
    /// What `createSession` and `refreshSession` return. Prints as `***`.
    struct Tokens: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        let access: String
        let refresh: String
        let did: String

        var description: String { "***" }
        var debugDescription: String { "Tokens(***)" }
    }

    private let api: BlueskyAPI
    private let handle: String
    private let password: String
    private let http: any HTTPClient
    private var tokens: Tokens?
    /// One login or refresh at a time: deliveries that need one while another runs wait for
    /// its result instead of opening sessions of their own.
    private var exchanging = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(api: BlueskyAPI, handle: String, password: String, http: any HTTPClient) {
        self.api = api
        self.handle = handle
        self.password = password
        self.http = http
    }

    /// The session's tokens, signing in if there is no session yet.
    func current() async throws(BlueskyStop) -> Tokens {
        if let tokens { return tokens }
        return try await exclusively { () async throws(BlueskyStop) -> Tokens in
            if let tokens { return tokens }
            return try await login()
        }
    }

    /// Fresh tokens after `stale` was refused (`ExpiredToken`, `InvalidToken`): refreshed, or from a new login
    /// when the refresh token has expired or was revoked.
    func renewed(after stale: Tokens) async throws(BlueskyStop) -> Tokens {
        try await exclusively { () async throws(BlueskyStop) -> Tokens in
            // Another delivery renewed them while this one waited.
            if let tokens, tokens.access != stale.access { return tokens }
            let result = await http.exchange(api.refreshSession(refreshToken: stale.refresh))
            if case .success(let response) = result, (200..<300).contains(response.status), let renewed = Self.tokens(response) {
                return renewed
            }
            if case .success(let response) = result, [400, 401].contains(response.status),
               ["ExpiredToken", "InvalidToken", "AuthenticationRequired"].contains(BlueskyAnswer.errorName(response) ?? "") {
                return try await login()
            }
            throw BlueskyStop(outcome: BlueskyAnswer.outcome(result)).during("renewing the session of \(handle)")
        }
    }

    private func login() async throws(BlueskyStop) -> Tokens {
        let result = await http.exchange(api.createSession(handle: handle, password: password))
        if case .success(let response) = result, (200..<300).contains(response.status) {
            guard let tokens = Self.tokens(response) else {
                throw BlueskyStop(outcome: .failed(reason: "signing in as \(handle): the PDS answered \(response.status) without tokens", httpStatus: response.status))
            }
            return tokens
        }
        if case .success(let response) = result, response.status == 401 {
            let said = BlueskyAnswer.message(response) ?? "unauthorized"
            throw BlueskyStop(outcome: .failed(
                reason: "signing in as \(handle): \(said) (check `handle`, and that `password` is an app password of this account)",
                httpStatus: 401))
        }
        throw BlueskyStop(outcome: BlueskyAnswer.outcome(result)).during("signing in as \(handle)")
    }

    private func exclusively(_ body: () async throws(BlueskyStop) -> Tokens) async throws(BlueskyStop) -> Tokens {
        while exchanging { await withCheckedContinuation { waiting.append($0) } }
        exchanging = true
        defer {
            exchanging = false
            let woken = waiting
            waiting = []
            woken.forEach { $0.resume() }
        }
        let fresh = try await body()
        tokens = fresh
        return fresh
    }

    private static func tokens(_ response: HTTPResponse) -> Tokens? {
        guard let object = BlueskyAnswer.json(response), let access = object["accessJwt"] as? String,
              let refresh = object["refreshJwt"] as? String, let did = object["did"] as? String else { return nil }
        return Tokens(access: access, refresh: refresh, did: did)
    }
}
