import Crypto
import Foundation
import Testing
@testable import TrobadorChannels

@Suite("webhook signatures: HMAC-SHA256")
struct WebhookSignerTests {
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// RFC 4231's test cases 1, 2, 6 and 7 (a key shorter than a block, a text key, keys longer
    /// than a block, which are hashed first, and data longer than a block).
    @Test func matches_the_test_vectors_of_rfc_4231() {
        let cases: [(key: [UInt8], data: String, mac: String)] = [
            (Array(repeating: 0x0b, count: 20), "Hi There",
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), "what do ya want for nothing?",
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            (Array(repeating: 0xaa, count: 131), "Test Using Larger Than Block-Size Key - Hash Key First",
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            (Array(repeating: 0xaa, count: 131),
             "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
             "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ]
        for test in cases {
            let (inner, outer) = WebhookSigner.keyed(test.key)
            #expect(Self.hex(WebhookSigner.authenticationCode(Array(test.data.utf8), inner: inner, outer: outer)) == test.mac)
        }
    }

    /// The same as swift-crypto's `HMAC<SHA256>` for keys around the block size and data fed
    /// in two parts, and the same keyed state used twice gives the same code.
    @Test func agrees_with_swift_crypto_for_keys_and_data_of_every_size_around_a_block() {
        for keyLength in [1, 16, 32, 63, 64, 65, 100, 128] {
            let key = (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let (inner, outer) = WebhookSigner.keyed(key)
            for dataLength in [0, 1, 55, 56, 64, 65, 1700] {
                let data = (0..<dataLength).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 7) }
                let split = dataLength / 3
                let expected = Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
                #expect(WebhookSigner.authenticationCode(Array(data[..<split]), Array(data[split...]), inner: inner, outer: outer) == expected,
                        "key \(keyLength), data \(dataLength)")
                #expect(WebhookSigner.authenticationCode(data, inner: inner, outer: outer) == expected)
            }
        }
    }
}
