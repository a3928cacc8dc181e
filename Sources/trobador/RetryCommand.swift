import ArgumentParser
import Foundation
import TrobadorCore

struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Queue a post's failed or uncertain deliveries again, with a fresh budget of attempts.",
        discussion: """
            The request is handed to the running daemon through the spool's control/ directory and \
            applied within a second; if the daemon is stopped, it is applied when it starts.
            """)

    @Argument(help: "The post id.")
    var postID: String

    @Option(help: "Only this channel.")
    var channel: String?

    @OptionGroup var config: ConfigOption

    func run() async throws {
        let configuration = try config.load()
        let store = try openStateForReading(configuration)
        guard let before = try store.history(postID: postID) else {
            printError("No post with the id \"\(postID)\" in \(configuration.statePath).")
            throw ExitCode(1)
        }
        let candidates = before.deliveries.filter { ($0.state == "failed" || $0.state == "uncertain") && (channel == nil || $0.channel == channel) }
        guard !candidates.isEmpty else {
            let states = before.deliveries.filter { channel == nil || $0.channel == channel }.map { "\($0.channel): \($0.state)" }
            printError("Nothing to retry for \(postID)\(channel.map { " on \($0)" } ?? ""): \(states.isEmpty ? "no such channel" : states.joined(separator: ", ")).")
            throw ExitCode(1)
        }
        let spool = Spool(root: configuration.spoolDirectory)
        let path = try OperatorRequest(command: .retry, post: postID, channel: channel).drop(into: spool)
        if await waitUntilGone(path) {
            print("Queued again: \(candidates.map(\.channel).joined(separator: ", ")). Follow it with: trobador history \(postID)")
        } else {
            print("Requested (\(path)). The daemon has not picked it up yet: is it running? It will be applied when it starts.")
        }
    }
}

/// Waits up to `timeout` for the daemon to take a file away.
func waitUntilGone(_ path: String, timeout: Duration = .seconds(3)) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if !FileManager.default.fileExists(atPath: path) { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return !FileManager.default.fileExists(atPath: path)
}
