import Crypto
import Foundation

/// Standard Webhooks signatures: `v1,` then the base64 HMAC-SHA256 of
/// `webhook-id.webhook-timestamp.body`, keyed with the base64 part of a `whsec_` secret.
struct WebhookSigner: Sendable {
    struct InvalidSecret: Error, CustomStringConvertible {
        var description: String {
            "the webhook `secret` must be whsec_ followed by base64 (as the receiver shows it); the one given is not"
        }
    }

    /// HMAC-SHA256 (RFC 2104) with the key already taken in: `inner` has hashed the key's
    /// block XOR ipad, `outer` the key's block XOR opad, and each signature starts from copies
    /// of them. swift-crypto's `HMAC<SHA256>` does the same, but its code is generic over the
    /// hash function and not specialised outside its module: three quarters of a signature's
    /// time went to generic metadata and witness calls (perf, fourteenth session), where
    /// `SHA256`'s own `update(bufferPointer:)` goes straight to BoringSSL. Not `Sendable` to
    /// the compiler, but never mutated: a copy updated on any thread copies the hash state it
    /// shares first (swift-crypto's digests are copy-on-write), and reference counts are atomic.
    nonisolated(unsafe) private let inner: SHA256
    nonisolated(unsafe) private let outer: SHA256

    init(secret: String) throws {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let bytes = Data(base64Encoded: encoded), !bytes.isEmpty else { throw InvalidSecret() }
        (inner, outer) = Self.keyed(Array(bytes))
    }

    /// The two hash states of RFC 2104 for `key`: a key longer than a block is hashed first,
    /// then padded with zeros to a block.
    static func keyed(_ key: [UInt8]) -> (inner: SHA256, outer: SHA256) {
        var block = key.count > SHA256.blockByteCount ? Array(SHA256.hash(data: key)) : key
        block += repeatElement(0, count: SHA256.blockByteCount - block.count)
        var inner = SHA256()
        var outer = SHA256()
        block.map { $0 ^ 0x36 }.withUnsafeBytes { inner.update(bufferPointer: $0) }
        block.map { $0 ^ 0x5c }.withUnsafeBytes { outer.update(bufferPointer: $0) }
        return (inner, outer)
    }

    /// The MAC of `parts` one after the other (the body is not copied behind its prefix).
    static func authenticationCode(_ parts: [UInt8]..., inner: SHA256, outer: SHA256) -> [UInt8] {
        var hash = inner
        for part in parts { part.withUnsafeBytes { hash.update(bufferPointer: $0) } }
        var mac = outer
        hash.finalize().withUnsafeBytes { mac.update(bufferPointer: $0) }
        return mac.finalize().withUnsafeBytes { Array($0) }
    }

    func signature(id: String, timestamp: Int, body: [UInt8]) -> String {
        let code = Self.authenticationCode(Array("\(id).\(timestamp).".utf8), body, inner: inner, outer: outer)
        return "v1," + Data(code).base64EncodedString()
    }
}
