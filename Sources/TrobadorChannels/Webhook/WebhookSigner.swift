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

    /// The HMAC with the key already taken in (its padded inner and outer blocks hashed): each
    /// signature starts from a copy of it rather than from the key. Not `Sendable` to the
    /// compiler, but never mutated: a copy updated on any thread copies the hash state it
    /// shares first (swift-crypto's digests are copy-on-write), and reference counts are atomic.
    nonisolated(unsafe) private let keyed: HMAC<SHA256>

    init(secret: String) throws {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let bytes = Data(base64Encoded: encoded), !bytes.isEmpty else { throw InvalidSecret() }
        keyed = HMAC<SHA256>(key: SymmetricKey(data: bytes))
    }

    /// The signed content is fed in two parts, so the body is not copied behind its prefix.
    func signature(id: String, timestamp: Int, body: [UInt8]) -> String {
        var mac = keyed
        mac.update(data: Array("\(id).\(timestamp).".utf8))
        mac.update(data: body)
        return "v1," + Data(mac.finalize()).base64EncodedString()
    }
}
