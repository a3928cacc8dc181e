import Testing
@testable import TrobadorCore

/// What the log and the audit redact for a channel: each secret whole and, for a secret URL,
/// the parts that carry its token.
@Suite struct ChannelSecretValuesTests {
    private func channel(_ secret: String) -> ChannelConfig {
        ChannelConfig(name: "c", type: "webhook", settings: ["url": .secret(Secret(secret, origin: "literal"))])
    }

    @Test func a_secret_url_gives_its_long_path_segments_and_query_values() {
        let url = "https://hooks.example.org/services/T0123/B0456/abcdefghijklmnop?token=s3cr3t-v4lue&x=1"
        #expect(channel(url).secretValues == [url, "abcdefghijklmnop", "s3cr3t-v4lue"])
    }

    @Test func a_secret_url_with_an_international_host_gives_its_parts_too() {
        let url = "https://bücher.example/hooks/abcdefghijklmnop"
        #expect(channel(url).secretValues == [url, "abcdefghijklmnop"])
    }

    @Test func a_secret_that_is_no_url_is_only_itself() {
        #expect(channel("whsec_YWJjZGVmZ2hpamtsbW5vcA").secretValues == ["whsec_YWJjZGVmZ2hpamtsbW5vcA"])
        #expect(channel("/hooks/abcdefghijklmnop").secretValues == ["/hooks/abcdefghijklmnop"])
    }
}
