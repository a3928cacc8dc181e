import CurlHTTP
import Crypto
import Foundation
import Testing
import TrobadorTestSupport

/// A PDS on 127.0.0.1 that checks XRPC calls the way the reference PDS does and answers
/// with its shapes (`{"error": "<Name>", "message": "..."}`): `createSession` for a handle
/// and app password, access tokens that can be made to expire (`400 ExpiredToken`),
/// `refreshSession` with the refresh token (rotated, the old one revoked), `uploadBlob`,
/// `createRecord` validated against `app.bsky.feed.post` (300 graphemes, facets, embeds,
/// replies: `BlueskyStandInRecordTests`), `getRecord`, `deleteRecord` (a no-op for a record
/// already gone). A create under an existing record key gets what the reference PDS
/// answers, a bare 500, or the named error newer servers send.
///
/// Where the reference PDS is lenient and the AppView is not, the stand-in is strict: post
/// record keys must be TIDs, facets must lie on the text's character boundaries, and
/// replies must point at records it holds with their current CID.
final class BlueskyPDSStandIn: Sendable {
    enum TakenKeyAnswer: Sendable {
        /// The reference PDS today: the repository write throws, the client sees a 500.
        case internalServerError
        /// Servers that name the conflict.
        case recordAlreadyExists
    }

    struct Record: Sendable {
        var rkey: String
        var uri: String
        var cid: String
        var text: String
        var facets: [SeenFacet]
        var replyRoot: String?
        var replyParent: String?
        var images: [SeenImage]
        var langs: [String]
        var valueJSON: String
    }

    struct SeenFacet: Sendable, Equatable {
        var byteStart: Int
        var byteEnd: Int
        /// `link` or `tag`.
        var kind: String
        var value: String
    }

    struct SeenImage: Sendable, Equatable {
        var cid: String
        var alt: String
        var mimeType: String
        var size: Int
    }

    struct Blob: Sendable {
        var cid: String
        var mimeType: String
        var size: Int
    }

    fileprivate struct Rule: Sendable {
        var nsid: String
        var skip: Int
        var answer: LoopbackReceiver.Answer
    }

    struct State: Sendable {
        var records: [String: Record] = [:]
        var order: [String] = []
        var deleted: [String] = []
        var blobs: [String: Blob] = [:]
        var sessionsCreated = 0
        var refreshes = 0
        var access: Set<String> = []
        var expired: Set<String> = []
        var refresh: Set<String> = []
        var issued: [String] = []
        var nextToken = 1
        fileprivate var rules: [Rule] = []
    }

    let handle: String
    let password: String
    let did = "did:plc:occitanie4242regionxyz"
    let takenKey: TakenKeyAnswer
    let state = Locked(State())
    private let receiver = Locked<LoopbackReceiver?>(nil)

    private init(handle: String, password: String, takenKey: TakenKeyAnswer) {
        self.handle = handle
        self.password = password
        self.takenKey = takenKey
    }

    static func start(
        handle: String = "occitanie.bsky.social", password: String = "app-pass-SECRET-1234", takenKey: TakenKeyAnswer = .internalServerError
    ) async throws -> BlueskyPDSStandIn {
        let pds = BlueskyPDSStandIn(handle: handle, password: password, takenKey: takenKey)
        let receiver = try await LoopbackReceiver { request, _ in pds.answer(request) }
        pds.receiver.withLock { $0 = receiver }
        return pds
    }

    var url: String { receiver.withLock { $0!.url } }
    var requests: [LoopbackReceiver.Received] { receiver.withLock { $0!.requests } }
    /// The posts in the repository, oldest first.
    var records: [Record] { state.withLock { state in state.order.compactMap { state.records[$0] } } }
    var sessionsCreated: Int { state.withLock { $0.sessionsCreated } }
    var refreshes: Int { state.withLock { $0.refreshes } }
    var deleted: [String] { state.withLock { $0.deleted } }
    /// Every token the PDS handed out, to search outcomes and previews for.
    var issuedTokens: [String] { state.withLock { $0.issued } }

    func stop() async { await receiver.withLock { $0! }.stop() }

    /// The access tokens issued so far expire: the next call with one gets `400 ExpiredToken`.
    func expireAccessTokens() {
        state.withLock { state in
            state.expired.formUnion(state.access)
            state.access = []
        }
    }

    /// The access tokens issued so far stop being valid (a restarted PDS, a revoked session):
    /// the next call with one gets `401 InvalidToken`; the refresh tokens still work.
    func revokeAccessTokens() {
        state.withLock { $0.access = [] }
    }

    /// The next call of `nsid`, after `skip` of them, gets `answer`.
    func failNext(_ nsid: String, skip: Int = 0, with answer: LoopbackReceiver.Answer) {
        state.withLock { $0.rules.append(Rule(nsid: nsid, skip: skip, answer: answer)) }
    }

    static func rateLimited(resetIn seconds: Int) -> LoopbackReceiver.Answer {
        .init(status: 429, headers: [
            "Content-Type": "application/json; charset=utf-8", "ratelimit-limit": "5000", "ratelimit-remaining": "0",
            "ratelimit-reset": String(Int(Date().timeIntervalSince1970) + seconds), "ratelimit-policy": "5000;w=3600",
        ], body: #"{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}"#)
    }

    static func error(_ status: Int, _ name: String, _ message: String) -> LoopbackReceiver.Answer {
        .init(status: status, headers: ["Content-Type": "application/json; charset=utf-8"], body: JSONSerialization.string(["error": name, "message": message]))
    }

    static func ok(_ object: [String: Any]) -> LoopbackReceiver.Answer {
        .init(status: 200, headers: ["Content-Type": "application/json; charset=utf-8"], body: JSONSerialization.string(object))
    }

    static func hash(_ bytes: some Sequence<UInt8>) -> String {
        SHA256.hash(data: Array(bytes)).map { String(format: "%02x", $0) }.joined()
    }

    private func answer(_ request: LoopbackReceiver.Received) -> LoopbackReceiver.Answer {
        guard request.path.hasPrefix("/xrpc/") else { return Self.error(404, "NotFound", "Not Found") }
        let nsid = String(request.path.dropFirst("/xrpc/".count))
        if let scripted = scripted(nsid) { return scripted }
        switch (request.method, nsid) {
        case ("POST", "com.atproto.server.createSession"): return createSession(request)
        case ("POST", "com.atproto.server.refreshSession"): return refreshSession(request)
        case ("GET", "com.atproto.repo.getRecord"): return getRecord(request)
        case ("POST", "com.atproto.repo.uploadBlob"), ("POST", "com.atproto.repo.createRecord"), ("POST", "com.atproto.repo.deleteRecord"):
            if let refused = authorize(request) { return refused }
            switch nsid {
            case "com.atproto.repo.uploadBlob": return uploadBlob(request)
            case "com.atproto.repo.createRecord": return createRecord(request)
            default: return deleteRecord(request)
            }
        default: return Self.error(501, "MethodNotImplemented", "Method Not Implemented")
        }
    }

    private func scripted(_ nsid: String) -> LoopbackReceiver.Answer? {
        state.withLock { state in
            guard let index = state.rules.firstIndex(where: { $0.nsid == nsid }) else { return nil }
            if state.rules[index].skip > 0 {
                state.rules[index].skip -= 1
                return nil
            }
            return state.rules.remove(at: index).answer
        }
    }

    private func issueTokens(_ state: inout State) -> [String: Any] {
        let access = "access-\(state.nextToken)-eyJhbGciOiJIUzI1NiJ9"
        let refresh = "refresh-\(state.nextToken)-eyJhbGciOiJIUzI1NiJ9"
        state.nextToken += 1
        state.access.insert(access)
        state.refresh.insert(refresh)
        state.issued += [access, refresh]
        return ["did": did, "handle": handle, "email": "com@occitanie.example", "emailConfirmed": true, "accessJwt": access, "refreshJwt": refresh, "active": true]
    }

    private func createSession(_ request: LoopbackReceiver.Received) -> LoopbackReceiver.Answer {
        guard request.header("content-type")?.hasPrefix("application/json") == true, let body = request.json else {
            return Self.error(400, "InvalidRequest", "Request encoding (Content-Type) required but not provided")
        }
        guard let identifier = body["identifier"] as? String else { return Self.error(400, "InvalidRequest", #"Input must have the property "identifier""#) }
        guard let password = body["password"] as? String else { return Self.error(400, "InvalidRequest", #"Input must have the property "password""#) }
        guard identifier == handle || identifier == did, password == self.password else {
            return Self.error(401, "AuthenticationRequired", "Invalid identifier or password")
        }
        return Self.ok(state.withLock { state in
            state.sessionsCreated += 1
            return issueTokens(&state)
        })
    }

    private func refreshSession(_ request: LoopbackReceiver.Received) -> LoopbackReceiver.Answer {
        let token = request.header("authorization").map { String($0.dropFirst("Bearer ".count)) } ?? ""
        return state.withLock { state in
            guard state.refresh.remove(token) != nil else { return Self.error(400, "ExpiredToken", "Token has been revoked") }
            state.refreshes += 1
            return Self.ok(issueTokens(&state))
        }
    }

    private func authorize(_ request: LoopbackReceiver.Received) -> LoopbackReceiver.Answer? {
        guard let header = request.header("authorization"), header.hasPrefix("Bearer ") else {
            return Self.error(401, "AuthMissing", "Authentication Required")
        }
        let token = String(header.dropFirst("Bearer ".count))
        return state.withLock { state in
            if state.access.contains(token) { return nil }
            if state.expired.contains(token) { return Self.error(400, "ExpiredToken", "Token has expired") }
            return Self.error(401, "InvalidToken", "Token could not be verified")
        }
    }

    private func uploadBlob(_ request: LoopbackReceiver.Received) -> LoopbackReceiver.Answer {
        guard let type = request.header("content-type"), type.hasPrefix("image/"), !request.body.isEmpty else {
            return Self.error(400, "InvalidRequest", "Request encoding (Content-Type) required but not provided")
        }
        let blob = Blob(cid: "bafkrei" + Self.hash(request.body).prefix(52), mimeType: type, size: request.body.count)
        state.withLock { $0.blobs[blob.cid] = blob }
        return Self.ok(["blob": ["$type": "blob", "ref": ["$link": blob.cid], "mimeType": blob.mimeType, "size": blob.size]])
    }

    private func createRecord(_ request: LoopbackReceiver.Received) -> LoopbackReceiver.Answer {
        guard let body = request.json, let repo = body["repo"] as? String, let collection = body["collection"] as? String,
              let record = body["record"] as? [String: Any] else {
            return Self.error(400, "InvalidRequest", #"Input must have the properties "repo", "collection" and "record""#)
        }
        guard repo == did || repo == handle else { return Self.error(400, "InvalidRequest", "Could not find repo: \(repo)") }
        guard collection == "app.bsky.feed.post" else { return Self.error(400, "InvalidRequest", "unexpected collection \(collection)") }
        guard let rkey = body["rkey"] as? String, rkey.wholeMatch(of: /[A-Za-z0-9._:~-]{1,512}/) != nil, rkey != ".", rkey != ".." else {
            return Self.error(400, "InvalidRequest", "Invalid record key")
        }
        guard Self.isTID(rkey) else { return Self.error(400, "InvalidRequest", "Invalid record key: app.bsky.feed.post records take a TID") }
        return state.withLock { state in
            if let problem = Self.problem(in: record, state: state) { return problem }
            if state.records[rkey] != nil {
                let uri = "at://\(did)/app.bsky.feed.post/\(rkey)"
                return takenKey == .internalServerError
                    ? Self.error(500, "InternalServerError", "Internal Server Error")
                    : Self.error(400, "RecordAlreadyExists", "Record already exists: \(uri)")
            }
            let stored = Self.stored(record, rkey: rkey, did: did)
            state.records[rkey] = stored
            state.order.append(rkey)
            return Self.ok(["uri": stored.uri, "cid": stored.cid, "commit": ["cid": "bafyreicommit\(state.order.count)", "rev": "3lcommit\(state.order.count)"], "validationStatus": "valid"])
        }
    }

    private func getRecord(_ request: LoopbackReceiver.Received) -> LoopbackReceiver.Answer {
        let rkey = request.query["rkey"] ?? ""
        guard request.query["repo"] == did || request.query["repo"] == handle, request.query["collection"] == "app.bsky.feed.post",
              let record = state.withLock({ $0.records[rkey] }) else {
            return Self.error(400, "RecordNotFound", "Could not locate record: at://\(request.query["repo"] ?? "")/\(request.query["collection"] ?? "")/\(rkey)")
        }
        let head = JSONSerialization.string(["uri": record.uri, "cid": record.cid]).dropLast()
        return .init(status: 200, headers: ["Content-Type": "application/json; charset=utf-8"], body: head + #","value":"# + record.valueJSON + "}")
    }

    private func deleteRecord(_ request: LoopbackReceiver.Received) -> LoopbackReceiver.Answer {
        guard let body = request.json, body["repo"] as? String == did, body["collection"] as? String == "app.bsky.feed.post",
              let rkey = body["rkey"] as? String else {
            return Self.error(400, "InvalidRequest", #"Input must have the properties "repo", "collection" and "rkey""#)
        }
        state.withLock { state in
            // The reference PDS: deleting a record that does not exist is a no-op.
            guard state.records.removeValue(forKey: rkey) != nil else { return }
            state.order.removeAll { $0 == rkey }
            state.deleted.append(rkey)
        }
        return Self.ok(["commit": ["cid": "bafyreidelete", "rev": "3ldelete"]])
    }

    /// TID syntax, written apart from Trobador's: 13 characters of base32-sortable, the
    /// first one of `234567abcdefghij`.
    static func isTID(_ text: String) -> Bool {
        text.wholeMatch(of: /[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}/) != nil
    }
}

@Suite("the Bluesky stand-in behaves as a PDS")
struct BlueskyStandInTests {
    func call(_ pds: BlueskyPDSStandIn, _ nsid: String, _ body: [String: Any], token: String? = nil) async throws -> HTTPResponse {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let token { headers.append(("Authorization", "Bearer " + token)) }
        return try await CurlHTTPClient().send(HTTPRequest(
            method: "POST", url: pds.url + "/xrpc/" + nsid, headers: headers, body: Array(JSONSerialization.string(body).utf8)))
    }

    @Test func a_wrong_password_is_refused_and_an_expired_token_says_so() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        let refused = try await call(pds, "com.atproto.server.createSession", ["identifier": pds.handle, "password": "nope"])
        #expect(refused.status == 401)
        #expect(refused.bodyText == #"{"error":"AuthenticationRequired","message":"Invalid identifier or password"}"#)
        let session = try await call(pds, "com.atproto.server.createSession", ["identifier": pds.handle, "password": pds.password])
        let token = try #require((try JSONSerialization.jsonObject(with: Data(session.body)) as? [String: Any])?["accessJwt"] as? String)
        pds.expireAccessTokens()
        let expired = try await call(pds, "com.atproto.repo.deleteRecord", ["repo": pds.did, "collection": "app.bsky.feed.post", "rkey": "3l2k4j5h6g7f2"], token: token)
        #expect(expired.status == 400)
        #expect(expired.bodyText == #"{"error":"ExpiredToken","message":"Token has expired"}"#)
        await pds.stop()
    }

    @Test func a_create_under_an_existing_key_gets_the_reference_pdss_500() async throws {
        let pds = try await BlueskyPDSStandIn.start()
        let session = try await call(pds, "com.atproto.server.createSession", ["identifier": pds.handle, "password": pds.password])
        let token = try #require((try JSONSerialization.jsonObject(with: Data(session.body)) as? [String: Any])?["accessJwt"] as? String)
        let create: [String: Any] = [
            "repo": pds.did, "collection": "app.bsky.feed.post", "rkey": "3l2k4j5h6g7f2",
            "record": ["$type": "app.bsky.feed.post", "text": "Bonjour 🇫🇷", "createdAt": "2026-06-19T07:00:00.000Z"],
        ]
        #expect(try await call(pds, "com.atproto.repo.createRecord", create, token: token).status == 200)
        let again = try await call(pds, "com.atproto.repo.createRecord", create, token: token)
        #expect(again.status == 500)
        #expect(again.bodyText == #"{"error":"InternalServerError","message":"Internal Server Error"}"#)
        #expect(pds.records.count == 1)
        await pds.stop()
    }
}
