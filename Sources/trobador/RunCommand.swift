import ArgumentParser
import CurlHTTP
import Foundation
import TrobadorChannels
import TrobadorCore
import TrobadorPlugins

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the daemon in the foreground (systemd runs it like this).")

    @OptionGroup var config: ConfigOption

    @Option(help: "Log line format: logfmt or json (default: the configuration's [log] format).")
    var logFormat: LogFormatOption?

    func run() async throws {
        let (configuration, catalog) = try config.loadWithChannelTypes()
        let environment = ProcessInfo.processInfo.environment
        // Under systemd with stderr going to journald, entries go through the native journal
        // protocol with their keys as fields; anywhere else, plain lines.
        let inJournal = JournalStream.isConnected(2, environment: environment)
        let log = EventLog(
            format: logFormat?.format ?? configuration.log.format, file: configuration.log.file,
            syslogPrefix: inJournal, secrets: configuration.channels.flatMap(\.secretValues),
            journal: inJournal ? JournalSocket() : nil)
        // A broken plugin is said at start, with its path and line; only its channels stop.
        for problem in catalog.problems {
            log.log(LogEvent(.started, level: problem.severity == .error ? .error : .warning, error: "plugin: \(problem)"))
        }
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        let reloadSource: ConfigurationSource = configuration.sourcePath.map { .file(path: $0) }
            ?? .embeddedDefault(workingDirectory: FileManager.default.currentDirectoryPath)
        var daemon = Daemon(
            configuration: configuration, channelTypes: catalog.types, http: http, log: log,
            reload: { () throws(ConfigurationError) -> DaemonSetup in
                // The plugins are read again with the configuration: a plugin added or fixed
                // serves its channels from now on, one broken now stops only its own.
                let catalog = ConfigOption.catalog(for: reloadSource)
                let configuration = try catalog.loader().load(reloadSource)
                return DaemonSetup(configuration: configuration, channelTypes: catalog.types, problems: catalog.problems)
            })
        daemon.notifier = SystemdNotifier(environment: environment)
        do {
            let status = try await daemon.run(signals: ProcessSignals.stream())
            if status != 0 { throw ExitCode(status) }
        } catch let error as ExitCode {
            throw error
        } catch {
            log.log(LogEvent(.stopped, level: .error, error: "\(error)"))
            throw ExitCode(1)
        }
    }
}

enum LogFormatOption: String, ExpressibleByArgument, CaseIterable {
    case logfmt, json

    var format: LogFormat { self == .json ? .json : .logfmt }
}
