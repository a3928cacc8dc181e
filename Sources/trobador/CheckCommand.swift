import ArgumentParser
import CurlHTTP
import Foundation
import TrobadorChannels
import TrobadorCore
import TrobadorPlugins

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration and the given post files, with no network.",
        discussion: "Every problem is printed as path:line:column: message. The exit status is 1 when there is any.")

    @OptionGroup var config: ConfigOption

    @Argument(help: "Post files or post directories to check.")
    var files: [String] = []

    func run() async throws {
        let (configuration, catalog) = try config.loadWithChannelTypes(reportingPlugins: true)
        var problems = catalog.errors.count
        let source = configuration.sourcePath ?? "embedded default"
        for warning in configuration.warnings { printError(warning.description) }

        let context = ChannelContext(http: OfflineHTTPClient(), spoolDirectory: configuration.spoolDirectory)
        // A disabled channel is not set up, as in the daemon: it is often parked while its
        // secrets are not yet provisioned, so they were not read.
        for channel in configuration.channels where channel.enabled {
            guard let type = catalog.types.first(where: { $0.name == channel.type }) else { continue }
            do {
                _ = try type.makeAdapter(for: channel, context: context)
            } catch {
                printError("\(source):\(channel.line):1: channel \(channel.name): \(error.message)")
                problems += 1
            }
        }

        let parser = PostParser(rules: configuration.posts)
        let router = Router(configuration: configuration)
        for file in files {
            do {
                let loaded = try parser.load(entry: file)
                if loaded.post.action == .publish, case .failure(let problem) = router.routes(for: loaded.post) {
                    printError(Self.located(file, problem))
                    problems += 1
                } else {
                    print("\(file): ok (\(loaded.post.action.rawValue) \(loaded.post.id))")
                }
            } catch {
                for problem in error.problems {
                    printError(Self.located(file, problem))
                    problems += 1
                }
            }
        }
        if problems > 0 { throw ExitCode(1) }
        let enabled = configuration.channels.filter(\.enabled).count
        print("\(source): ok (\(enabled) channel\(enabled == 1 ? "" : "s") enabled)")
    }

    /// `path:line:column: message`, the form editors jump to.
    static func located(_ path: String, _ problem: PostProblem) -> String {
        var text = "\(path):\(problem.line ?? 1):\(problem.column ?? 1): "
        if let field = problem.field { text += "\(field): " }
        text += problem.message
        if let hint = problem.hint { text += " (\(hint))" }
        return text
    }
}

/// `check` and `preview` build adapters but never send.
struct OfflineHTTPClient: HTTPClient {
    func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        throw HTTPError(kind: .invalidRequest, message: "no network in check")
    }
}
