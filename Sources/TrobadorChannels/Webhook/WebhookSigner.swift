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

    private let key: [UInt8]

    init(secret: String) throws {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let bytes = Data(base64Encoded: encoded), !bytes.isEmpty else { throw InvalidSecret() }
        key = Array(bytes)
    }

    /// The signed content is fed in two parts, so the body is not copied behind its prefix.
    func signature(id: String, timestamp: Int, body: [UInt8]) -> String {
        var mac = HMAC<SHA256>(key: SymmetricKey(data: key))
        mac.update(data: Array("\(id).\(timestamp).".utf8))
        mac.update(data: body)
        return "v1," + Data(mac.finalize()).base64EncodedString()
    }
}
