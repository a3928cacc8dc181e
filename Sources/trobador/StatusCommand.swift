import ArgumentParser
import Foundation
import TrobadorCore

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Per channel: deliveries by state; then the latest problems.",
        discussion: "Reads the state database; safe while the daemon runs.")

    @OptionGroup var config: ConfigOption

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Option(help: "How many of the latest problems to show.")
    var problems = 10

    func run() async throws {
        let configuration = try config.load()
        let store = try openStateForReading(configuration)
        let redact = Redactor(configuration)
        var report = try store.status(latestProblems: problems)
        // Configured channels with nothing yet still get a line.
        for channel in configuration.channels where !report.channels.contains(where: { $0.channel == channel.name }) {
            report.channels.append(.init(channel: channel.name, counts: [:]))
        }
        report.channels.sort { $0.channel < $1.channel }
        if json {
            print(redact(try jsonText(report)))
            return
        }
        let columns: [DeliveryState] = [.pending, .scheduled, .inFlight, .retrying, .delivered, .failed, .uncertain, .cancelled, .retracted]
        var rows = [["CHANNEL"] + columns.map { $0.rawValue.uppercased() } + ["NOTE"]]
        for line in report.channels {
            let configured = configuration.channel(named: line.channel)
            var note = configured == nil ? "not in the configuration" : configured!.enabled ? "" : "disabled"
            if report.paused.contains(where: { $0.channel == line.channel }) { note = "PAUSED" }
            rows.append([line.channel] + columns.map { String(line.counts[$0.rawValue] ?? 0) } + [note])
        }
        print(TextTable.render(rows))
        for pause in report.paused {
            print("\n\(pause.channel) is PAUSED since \(LocalTime.text(pause.since)) after repeated failures; next probe at \(LocalTime.text(pause.probeAt)).")
            print("  last failure: \(redact(pause.reason))")
            print("  Its posts wait and are not lost; the other channels keep flowing.")
        }
        if !report.corrections.isEmpty {
            print("\nUpdates on channels that cannot edit (on_update), newest first:")
            for correction in report.corrections {
                print("  \(LocalTime.text(correction.at))  \(correction.post) → \(correction.channel): \(correction.performed)")
                if let note = correction.note { print("      \(redact(note))") }
            }
        }
        if !report.removeByHand.isEmpty {
            print("\nPublished copies to remove by hand (their retraction could not delete them), newest first:")
            for removal in report.removeByHand {
                let urls = removal.urls.isEmpty ? "no address known" : removal.urls.map(redact.callAsFunction).joined(separator: " ")
                print("  \(LocalTime.text(removal.at))  \(removal.post) → \(removal.channel): \(urls)")
                if let reason = removal.reason { print("      \(redact(reason))") }
            }
        }
        if report.problems.isEmpty {
            print("\nNo failed, uncertain or retrying deliveries.")
            return
        }
        print("\nLatest problems (newest first):")
        for problem in report.problems {
            var line = "  \(LocalTime.text(problem.at))  \(problem.post) → \(problem.channel): \(problem.state), \(problem.attempts) attempt\(problem.attempts == 1 ? "" : "s")"
            if let http = problem.http { line += ", HTTP \(http)" }
            if let next = problem.nextAt { line += ", next at \(LocalTime.text(next))" }
            if let error = problem.error { line += "\n      \(redact(error))" }
            print(line)
        }
        if report.problems.contains(where: { $0.state == "failed" || $0.state == "uncertain" }) {
            print("\nSee `trobador history POST_ID` for every attempt.")
        }
    }
}

/// Opens the state database read-only, or says plainly why not.
func openStateForReading(_ configuration: Configuration) throws -> SQLiteStateStore {
    guard FileManager.default.fileExists(atPath: configuration.statePath) else {
        printError("No state database at \(configuration.statePath): the daemon has not run with this configuration yet.")
        throw ExitCode(1)
    }
    do {
        return try SQLiteStateStore(path: configuration.statePath, readOnly: true)
    } catch {
        printError("Cannot read the state database \(configuration.statePath): \(error)")
        throw ExitCode(1)
    }
}

func jsonText<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Times as the operator reads them: local, to the second.
enum LocalTime {
    static func text(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }
}

/// Left-aligned first column, right-aligned numbers.
enum TextTable {
    static func render(_ rows: [[String]]) -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        let widths = (0..<width).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 || column == width - 1 ? cell + pad : pad + cell
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
