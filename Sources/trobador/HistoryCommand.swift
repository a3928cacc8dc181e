import ArgumentParser
import Foundation
import TrobadorCore

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Everything that happened to one post: its versions, and per channel every attempt and what it sent.",
        discussion: """
            Each attempt shows what was done (publish, update, retract, or why nothing was sent), the remote id \
            and URL, and one line per request sent (method, URL, HTTP status). --sent adds the headers and bodies \
            as they were sent, secrets replaced by ***, uploads summarised. The records are never rewritten.
            """)

    @Argument(help: "The post id.")
    var postID: String

    @OptionGroup var config: ConfigOption

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Flag(help: "Show the headers and body of every request sent, as sent (secrets replaced by ***).")
    var sent = false

    func run() async throws {
        let configuration = try config.load()
        let store = try openStateForReading(configuration)
        let redact = Redactor(configuration)
        guard let history = try store.history(postID: postID) else {
            printError("No post with the id \"\(postID)\" in \(configuration.statePath).")
            throw ExitCode(1)
        }
        if json {
            print(redact(try jsonText(history)))
            return
        }
        print(history.title.map { "\(history.post): \($0)" } ?? history.post)
        for version in history.versions {
            print("  version \(version.version): \(version.action), accepted \(LocalTime.text(version.acceptedAt)) from \(version.file)")
        }
        for delivery in history.deliveries {
            var line = "\n\(delivery.channel) (version \(delivery.version), \(delivery.action)): \(delivery.state)"
            if let next = delivery.nextAt { line += ", next attempt at \(LocalTime.text(next))" }
            print(line)
            if let id = delivery.remoteID { print("  remote id: \(id)") }
            if let url = delivery.url { print("  url: \(redact(url))") }
            if delivery.attempts.isEmpty {
                print("  " + (delivery.lastError.map { "not sent: " + redact($0) } ?? "no attempt yet"))
            }
            for attempt in delivery.attempts {
                var text = "  #\(attempt.number)  \(LocalTime.text(attempt.startedAt))  \(attempt.outcome ?? "in flight")"
                if let http = attempt.http { text += "  HTTP \(http)" }
                if let ms = attempt.milliseconds { text += "  \(ms) ms" }
                if let error = attempt.error { text += "\n      \(redact(error))" }
                print(text)
                if let audit = attempt.audit { print(redact(Self.describe(audit, withBodies: sent))) }
            }
        }
    }

    /// What the attempt did, from the audit trail, indented under the attempt's line.
    static func describe(_ audit: PostHistory.AuditRecord, withBodies: Bool) -> String {
        var lines = ["      \(audit.performed)" + (audit.remoteID.map { ": remote id \($0)" } ?? "") + (audit.url.map { " at \($0)" } ?? "")]
        if let note = audit.note, audit.outcome != "skipped" { lines.append("      \(note)") }
        if audit.sent.isEmpty, audit.outcome == "skipped" { lines.append("      nothing sent") }
        for request in audit.sent {
            lines.append("      sent: \(request.summaryLine)")
            guard withBodies else { continue }
            for header in request.headers { lines.append("        \(header.name): \(header.value)") }
            if let body = request.body {
                lines.append("")
                lines += body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
                    .map { "        " + $0 }
                lines.append("")
            }
        }
        return lines.joined(separator: "\n")
    }
}
