import ArgumentParser
import TrobadorCore

/// `trobador`: the syndication daemon and its operator commands.
@main
struct Trobador: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trobador",
        abstract: "Publish the posts dropped into an inbox to every channel they are routed to.",
        discussion: """
            Without -c, the configuration is ./trobador.toml if present, else the embedded default: \
            spool in ./spool/, one `file` channel named `outbox` writing to ./spool/outbox/.
            """,
        subcommands: [
            RunCommand.self, CheckCommand.self, SubmitCommand.self, StatusCommand.self, HistoryCommand.self,
            RetryCommand.self, RetractCommand.self, PreviewCommand.self,
            ChannelsCommand.self,
        ]
    )

    static func main() async {
        MallocArenas.limitUnlessConfigured()
        await main(nil)
    }
}
