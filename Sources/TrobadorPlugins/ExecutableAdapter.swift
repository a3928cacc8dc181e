import CurlHTTP
import Foundation
import TrobadorCore

/// A channel of an executable plugin: runs the program with the message's values as one JSON
/// object on stdin (secrets included, and only there), and reads its one-object answer.
struct ExecutableAdapter: ChannelAdapter {
    var manifest: PluginManifest
    var executable: PluginExecutable
    var channel: ChannelConfig

    /// The program's whole environment: nothing inherited, since the daemon's environment may
    /// hold secrets read with `{ env = "..." }`.
    var environment: [String] {
        [
            "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
            "TROBADOR_PLUGIN_DIR=\(manifest.directory)", "TROBADOR_CHANNEL=\(channel.name)",
        ]
    }

    private func input(_ message: OutboundMessage) -> [UInt8] {
        MessageValues.json(message, channel: channel, settings: manifest.settings, rendering: manifest.rendering).bytes + [0x0A]
    }

    private func refusal(_ message: OutboundMessage) -> String? {
        switch message.action {
        case .publish: nil
        case .update where !manifest.capabilities.edit:
            "the \(manifest.name) plugin cannot edit a published message (its capabilities say edit = false); do it by hand"
        case .retract where !manifest.capabilities.delete:
            "the \(manifest.name) plugin cannot delete a published message (its capabilities say delete = false); do it by hand"
        default: nil
        }
    }

    func preview(_ message: OutboundMessage) -> [PreviewRequest] {
        guard refusal(message) == nil else { return [] }
        // Not HTTP: the preview shows the program and what it would read on stdin.
        let request = HTTPRequest(
            method: "EXEC", url: executable.path, headers: environment.map { line in
                let parts = line.split(separator: "=", maxSplits: 1)
                return (String(parts[0]), String(parts.count > 1 ? parts[1] : ""))
            }, body: input(message), timeout: executable.timeout)
        return [PreviewRequest(request: request, purpose: "run the \(manifest.name) plugin's program with the message as JSON on stdin")]
    }

    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        if let refusal = refusal(message) { return .failed(reason: refusal, httpStatus: nil) }
        let process = PluginProcess(
            executable: executable.path, directory: manifest.directory, environment: environment, timeout: executable.timeout)
        let result = await process.run(input: input(message))
        return ExecutableAnswer.outcome(of: result, program: executable.path, timeout: executable.timeout, previous: message.previousReceipt)
    }
}

/// How a program's run becomes an outcome: its answer when it gave one, else its ending.
enum ExecutableAnswer {
    static func outcome(of result: PluginProcess.Result, program: String, timeout: Duration, previous: Receipt?) -> DeliveryOutcome {
        let name = (program as NSString).lastPathComponent
        let said = stderrTail(result.stderr).map { "; it said on stderr: \($0)" } ?? ""
        switch result.ending {
        case .couldNotStart(let why):
            return .failed(reason: "the plugin program \(program) could not be started: \(why)", httpStatus: nil)
        case .timedOut:
            return .retry(after: nil, reason: "the plugin program \(name) gave no answer within \(seconds(timeout)) and was killed with everything it started\(said)", httpStatus: nil)
        case .cancelled:
            return .retry(after: nil, reason: "the daemon stopped while the plugin program \(name) ran; it was killed\(said)", httpStatus: nil)
        case .exited, .signaled:
            break
        }
        if let answer = answer(in: result.stdout) { return outcome(of: answer, name: name, previous: previous) }
        let text = String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        switch result.ending {
        case .signaled(let signal):
            return .retry(after: nil, reason: "the plugin program \(name) was killed by signal \(signal) (\(signalName(signal))) before answering\(said)", httpStatus: nil)
        case .exited(let status) where status != 0:
            return .retry(after: nil, reason: "the plugin program \(name) exited with status \(status) without an answer\(said)", httpStatus: nil)
        default:
            if text.isEmpty {
                return .failed(reason: "the plugin program \(name) exited without answering: it must print one JSON object such as {\"status\":\"delivered\"}\(said)", httpStatus: nil)
            }
            return .failed(reason: "the plugin program \(name) answered something that is not one JSON object with a status: \(excerpt(text))\(said)", httpStatus: nil)
        }
    }

    /// The whole output as one JSON object, else its last non-empty line (programs may log
    /// on stdout before answering).
    private static func answer(in output: [UInt8]) -> JSONValue? {
        let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        for candidate in [text, text.split(separator: "\n").last.map(String.init) ?? ""] {
            if let value = JSONValue.parse(Array(candidate.utf8)), case .object = value,
               JSONPointer("/status").flatMap({ $0.value(in: value)?.scalarText }) != nil {
                return value
            }
        }
        return nil
    }

    private static func outcome(of answer: JSONValue, name: String, previous: Receipt?) -> DeliveryOutcome {
        func field(_ key: String) -> JSONValue? { JSONPointer("/" + key)?.value(in: answer) }
        let reason = field("reason")?.scalarText.map { "the plugin program \(name): \($0)" }
        switch field("status")?.scalarText {
        case "delivered":
            return .delivered(Receipt(
                remoteID: field("remote_id")?.scalarText ?? previous?.remoteID, url: field("url")?.scalarText ?? previous?.url))
        case "retry":
            let after = field("after")?.numberValue.map { Duration.milliseconds(Int64(max(0, $0) * 1000)) }
            return .retry(after: after, reason: reason ?? "the plugin program \(name) asked to try again", httpStatus: nil)
        case "failed":
            return .failed(reason: reason ?? "the plugin program \(name) said it failed, without a reason", httpStatus: nil)
        case let other:
            return .failed(reason: "the plugin program \(name) answered status \"\(other ?? "")\"; expected delivered, retry or failed", httpStatus: nil)
        }
    }

    private static func stderrTail(_ bytes: [UInt8]) -> String? {
        let lines = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !lines.isEmpty else { return nil }
        return excerpt(lines.suffix(3).joined(separator: " | "))
    }

    private static func excerpt(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > 200 ? String(flat.prefix(200)) + "…" : flat
    }

    private static func seconds(_ duration: Duration) -> String {
        ConfigValueSyntax.text(for: duration)
    }

    private static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGSEGV: "SIGSEGV, a crash"
        case SIGABRT: "SIGABRT, an abort"
        case SIGKILL: "SIGKILL"
        case SIGTERM: "SIGTERM"
        case SIGBUS: "SIGBUS, a crash"
        case SIGFPE: "SIGFPE, a crash"
        case SIGILL: "SIGILL, a crash"
        default: "signal \(signal)"
        }
    }
}
