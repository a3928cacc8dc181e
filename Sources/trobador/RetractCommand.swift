import ArgumentParser
import Foundation
import TrobadorCore

struct RetractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retract",
        abstract: "Delete a post's published copies wherever the channel allows it.",
        discussion: """
            Drops a retraction (`action: retract`) into the inbox, as a file would: it is stored, \
            archived and logged like any post. What was not sent yet is cancelled instead.
            """)

    @Argument(help: "The post id.")
    var postID: String

    @Option(help: "Only this channel.")
    var channel: String?

    @OptionGroup var config: ConfigOption

    func run() async throws {
        let configuration = try config.load()
        if FileManager.default.fileExists(atPath: configuration.statePath),
           let store = try? SQLiteStateStore(path: configuration.statePath, readOnly: true),
           try store.history(postID: postID) == nil {
            printError("No post with the id \"\(postID)\" in \(configuration.statePath).")
            throw ExitCode(1)
        }
        var text = "---\nid: \(postID)\naction: retract\n"
        if let channel { text += "channels: [\(channel)]\n" }
        text += "---\n"
        let spool = Spool(root: configuration.spoolDirectory)
        try spool.prepare()
        let name = "retract-\(postID)\(channel.map { "-" + $0 } ?? "")-\(UInt64(Date().timeIntervalSince1970)).md"
        try Spool.writeDurably(Array(text.utf8), to: spool.inbox + "/" + name, mode: 0o664)
        if await waitUntilGone(spool.inbox + "/" + name) {
            if FileManager.default.fileExists(atPath: spool.rejected + "/" + name + ".error") {
                printError((try? String(contentsOfFile: spool.rejected + "/" + name + ".error", encoding: .utf8)) ?? "rejected")
                throw ExitCode(1)
            }
            print("Retraction accepted for \(postID)\(channel.map { " on \($0)" } ?? ""). Follow it with: trobador history \(postID)")
        } else {
            print("Retraction placed in the inbox (\(name)). The daemon has not picked it up yet: is it running?")
        }
    }
}
