import TrobadorCore

/// `type = "webhook"`: a generic JSON POST, signed per the Standard Webhooks specification.
struct WebhookChannelType: ChannelType {
    let name = "webhook"
    let summary = "generic JSON webhook, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)"
    let settings = [
        ChannelSettingSpec("url", .url, required: true, secret: true, help: "where the JSON is POSTed"),
        ChannelSettingSpec("secret", .string, secret: true, help: "the receiver's signing secret, whsec_ followed by base64"),
        ChannelSettingSpec("headers", .stringTable, help: "extra HTTP headers sent with every request"),
    ]
    let capabilities = ChannelCapabilities(
        formatting: .structured, media: false, edit: true, delete: true, idempotency: .key("webhook-id"))
    let defaultConcurrency = 16

    func makeAdapter(for channel: ChannelConfig, context: ChannelContext) throws(ChannelSetupError) -> any ChannelAdapter {
        guard let url = channel.text("url") else { throw ChannelSetupError("channel \(channel.name): `url` is required") }
        var signer: WebhookSigner?
        if let secret = channel.text("secret") {
            do {
                signer = try WebhookSigner(secret: secret)
            } catch {
                throw ChannelSetupError("channel \(channel.name): \(error)")
            }
        }
        var headers: [(name: String, value: String)] = []
        if case .table(let table)? = channel.settings["headers"] {
            headers = table.keys.sorted().map { ($0, table[$0]!) }
        }
        return WebhookAdapter(
            url: url, signer: signer, extraHeaders: headers, timeout: channel.timeout ?? .seconds(15), http: context.http)
    }
}
