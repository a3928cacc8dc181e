import CurlHTTP
import Foundation
import TrobadorCore

/// The XRPC requests Trobador sends to a PDS, built in one place so that `deliver` and
/// `preview` show the same thing. Procedures are `POST /xrpc/<NSID>` with a JSON body
/// (raw bytes for `uploadBlob`), queries are `GET /xrpc/<NSID>?params`.
struct BlueskyAPI: Sendable {
    /// The PDS base URL, without a trailing `/`.
    var pds: String
    var timeout: Duration

    static let postCollection = "app.bsky.feed.post"

    /// `com.atproto.server.createSession`: a handle and an app password for two tokens.
    func createSession(handle: String, password: String) -> HTTPRequest {
        let body = JSONValue.object([("identifier", .string(handle)), ("password", .string(password))])
        return procedure("com.atproto.server.createSession", authorization: nil, body: body)
    }

    /// `com.atproto.server.refreshSession`: authorized by the refresh token, no body.
    func refreshSession(refreshToken: String) -> HTTPRequest {
        HTTPRequest(
            method: "POST", url: pds + "/xrpc/com.atproto.server.refreshSession",
            headers: [("Authorization", "Bearer " + refreshToken), ("User-Agent", "trobador")], timeout: timeout)
    }

    /// `com.atproto.repo.uploadBlob`: the file's bytes as the body, its type as `Content-Type`.
    func uploadBlob(_ bytes: [UInt8], contentType: String, accessToken: String) -> HTTPRequest {
        HTTPRequest(
            method: "POST", url: pds + "/xrpc/com.atproto.repo.uploadBlob",
            headers: [("Authorization", "Bearer " + accessToken), ("User-Agent", "trobador"), ("Content-Type", contentType)],
            body: bytes, timeout: timeout * 4)
    }

    /// `com.atproto.repo.createRecord` of a post under a record key of our choosing.
    func createRecord(repo: String, rkey: String, record: JSONValue, accessToken: String) -> HTTPRequest {
        let body = JSONValue.object([
            ("repo", .string(repo)), ("collection", .string(Self.postCollection)), ("rkey", .string(rkey)), ("record", record),
        ])
        return procedure("com.atproto.repo.createRecord", authorization: accessToken, body: body)
    }

    /// `com.atproto.repo.getRecord`: a record's `uri`, `cid` and `value`.
    func getRecord(_ target: BlueskyRecordAddress, accessToken: String) -> HTTPRequest {
        let query = [("repo", target.repo), ("collection", target.collection), ("rkey", target.rkey)]
            .map { $0 + "=" + Self.queryEscaped($1) }.joined(separator: "&")
        return HTTPRequest(
            method: "GET", url: pds + "/xrpc/com.atproto.repo.getRecord?" + query,
            headers: [("Authorization", "Bearer " + accessToken), ("User-Agent", "trobador")], timeout: timeout)
    }

    /// `com.atproto.repo.deleteRecord`; deleting a record that is already gone is not an error.
    func deleteRecord(_ target: BlueskyRecordAddress, accessToken: String) -> HTTPRequest {
        let body = JSONValue.object([
            ("repo", .string(target.repo)), ("collection", .string(target.collection)), ("rkey", .string(target.rkey)),
        ])
        return procedure("com.atproto.repo.deleteRecord", authorization: accessToken, body: body)
    }

    private func procedure(_ nsid: String, authorization: String?, body: JSONValue) -> HTTPRequest {
        var headers: [(name: String, value: String)] = []
        if let authorization { headers.append(("Authorization", "Bearer " + authorization)) }
        headers += [("User-Agent", "trobador"), ("Content-Type", "application/json")]
        return HTTPRequest(method: "POST", url: pds + "/xrpc/" + nsid, headers: headers, body: body.bytes, timeout: timeout)
    }

    private static func queryEscaped(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

/// Where a record lives: `at://<repo>/<collection>/<rkey>`.
struct BlueskyRecordAddress: Sendable, Equatable {
    var repo: String
    var collection: String
    var rkey: String

    var uri: String { "at://\(repo)/\(collection)/\(rkey)" }

    /// Reads an AT URI such as `at://did:plc:abc/app.bsky.feed.post/3l2k4j5h6g7f2`.
    init?(uri: String) {
        guard uri.hasPrefix("at://") else { return nil }
        let pieces = uri.dropFirst(5).split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 3, pieces.allSatisfy({ !$0.isEmpty }) else { return nil }
        repo = String(pieces[0])
        collection = String(pieces[1])
        rkey = String(pieces[2])
    }

    init(repo: String, collection: String = BlueskyAPI.postCollection, rkey: String) {
        self.repo = repo
        self.collection = collection
        self.rkey = rkey
    }
}
