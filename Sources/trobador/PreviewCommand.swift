import ArgumentParser
import CurlHTTP
import Foundation
import TrobadorChannels
import TrobadorCore
import TrobadorPlugins

struct PreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Show, per channel, the exact requests a post would cause, with no network.",
        discussion: "Method, URL and headers with secrets replaced by ***, body, thread parts and their lengths as each network counts them.")

    @OptionGroup var config: ConfigOption

    @Argument(help: "A post file or post directory.")
    var file: String

    @Option(help: "Only this channel.")
    var channel: String?

    func run() async throws {
        let (configuration, catalog) = try config.loadWithChannelTypes()
        let loaded: LoadedPost
        do {
            loaded = try PostParser(rules: configuration.posts).load(entry: file)
        } catch {
            error.problems.forEach { printError(CheckCommand.located(file, $0)) }
            throw ExitCode(1)
        }
        let post = loaded.post
        var names: [String]
        switch Router(configuration: configuration).routes(for: post) {
        case .success(let routes): names = routes
        case .failure(let problem):
            if post.action == .publish {
                printError(CheckCommand.located(file, problem))
                throw ExitCode(1)
            }
            names = configuration.channels.filter(\.enabled).map(\.name)
        }
        if let channel {
            guard configuration.channel(named: channel) != nil else {
                printError("No channel named \"\(channel)\" in the configuration.")
                throw ExitCode(1)
            }
            names = [channel]
        }
        let redact = Redactor(configuration)
        let media = loaded.media.map { StoredMedia(name: $0.name, alt: $0.alt, contentType: $0.contentType, size: $0.size, sha256: $0.sha256, data: $0.data) }
        let context = ChannelContext(
            http: OfflineHTTPClient(), spoolDirectory: configuration.spoolDirectory, loadMedia: { _, _ in media })
        print("Post \(post.id) (\(post.action.rawValue)), routed to: \(names.joined(separator: ", "))")
        for name in names {
            guard let channelConfig = configuration.channel(named: name),
                  let type = catalog.types.first(where: { $0.name == channelConfig.type }) else { continue }
            print("\n== \(name) (\(type.name)) ==")
            let adapter: any ChannelAdapter
            do {
                adapter = try type.makeAdapter(for: channelConfig, context: context)
            } catch {
                print("cannot be set up: \(redact(error.message))")
                continue
            }
            var message = OutboundMessage(
                post: post.view(forChannel: name, language: channelConfig.lang), version: 1, action: post.action, channel: name,
                idempotencyKey: "{idempotency key of \(post.id) on \(name)}", attempt: 1, media: media.map {
                    var description = $0
                    description.data = nil
                    return description
                },
                previousReceipt: post.action == .publish ? nil : Receipt(remoteID: "{remote id}", url: nil, parts: ["{remote id}"]))
            // What the engine would do where the channel cannot edit or delete (on_update...).
            let corrections = CorrectionSettings(capabilities: type.capabilities, channel: channelConfig, delivery: configuration.delivery)
            switch DeliveryRoute.decide(message, settings: corrections) {
            case .send:
                break
            case .republish(let correction, let note):
                print(note)
                message = correction
            case .withhold(let withheld):
                print(redact(withheld.reason.replacingOccurrences(of: "not sent: ", with: "nothing would be sent: ")
                    .replacingOccurrences(of: "not deleted: ", with: "nothing would be sent: ")))
                continue
            }
            let requests = adapter.preview(message)
            if requests.isEmpty { print("nothing would be sent (the channel cannot \(post.action.rawValue))") }
            for (index, preview) in requests.enumerated() {
                var heading = "\(index + 1). \(preview.purpose)"
                if let length = preview.length {
                    heading += " (\(length.count)\(length.limit.map { " of \($0)" } ?? "") \(length.unit))"
                }
                print(heading)
                print(redact(Self.describe(preview.request)).split(separator: "\n", omittingEmptySubsequences: false).map { "   " + $0 }.joined(separator: "\n"))
            }
        }
    }

    static func describe(_ request: HTTPRequest) -> String {
        var lines = ["\(request.method) \(request.url)"]
        for header in request.headers { lines.append("\(header.name): \(header.value)") }
        if !request.body.isEmpty {
            let type = request.header("Content-Type") ?? ""
            // A multipart body is shown when it is text: previews put placeholders in place of files.
            if String(validating: request.body, as: UTF8.self) == nil {
                lines.append("")
                lines.append("(\(request.body.count) bytes of \(type.isEmpty ? "binary data" : type))")
            } else {
                lines.append("")
                // Multipart lines end in CRLF, one Character for Swift: shown as plain line breaks.
                lines.append(String(decoding: request.body, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n"))
            }
        }
        return lines.joined(separator: "\n")
    }
}
