import Foundation
import Synchronization

/// Where every log line goes: stderr (collected by journald) and, optionally, a file that
/// is reopened on SIGHUP so that logrotate can move it away.
public final class EventLog: Sendable {
    private struct State {
        var formatter: LogFormatter
        var filePath: String?
        var fileDescriptor: Int32 = -1
        var minimumLevel: LogLevel
        var secrets: [String]
    }

    private let state: Mutex<State>
    private let standardError: Int32
    /// Prefix lines with `<N>` so journald records their priority.
    private let syslogPrefix: Bool
    /// When stderr is the journal: entries go through the native protocol with their keys as
    /// fields; an entry journald does not take goes to stderr instead, prefixed.
    private let journal: JournalSocket?

    /// - Parameters:
    ///   - standardError: the descriptor for the main stream (2 in the daemon; a pipe in tests).
    ///   - secrets: values that must never appear in a line; replaced by `***`.
    ///   - journal: journald's socket, given only when stderr is the journal (`JournalStream`).
    public init(
        format: LogFormat = .logfmt, file: String? = nil, standardError: Int32 = 2,
        syslogPrefix: Bool = false, minimumLevel: LogLevel = .info, secrets: [String] = [],
        journal: JournalSocket? = nil
    ) {
        self.standardError = standardError
        self.syslogPrefix = syslogPrefix || journal != nil
        self.journal = journal
        self.state = Mutex(State(formatter: LogFormatter(format: format), filePath: file, minimumLevel: minimumLevel, secrets: secrets.filter { !$0.isEmpty }))
        reopen()
    }

    deinit {
        state.withLock { if $0.fileDescriptor >= 0 { close($0.fileDescriptor) } }
    }

    /// Writes one event as one line, with a single `write(2)`, so that lines from concurrent
    /// tasks never interleave.
    public func log(_ event: LogEvent) { log(CollectionOfOne(event)) }

    /// Writes events as lines, in order, with a single `write(2)` per destination: the lines
    /// of a batch (the attempts one engine step ended, the posts one intake batch took) cost
    /// one system call, not one each, and stay together.
    public func log<Events: Collection<LogEvent>>(_ events: Events) {
        state.withLock { state in
            let redactions = state.secrets.map { ($0, "***") }
            func redacted(_ text: String) -> String {
                text.redacting(redactions)
            }
            var streamed = ""
            var filed = ""
            for event in events where event.level >= state.minimumLevel {
                var line = redacted(state.formatter.line(for: event))
                let fields = journal == nil ? [] : event.fields.map { field -> (key: String, value: String) in
                    switch field.value {
                    case .text(let text): (field.key, redacted(text))
                    case .number(let number): (field.key, String(number))
                    }
                }
                let journaled = journal?.send(message: line, priority: event.level.syslogPriority, fields: fields) ?? false
                line += "\n"
                if !journaled {
                    if syslogPrefix { streamed += "<\(event.level.syslogPriority)>" }
                    streamed += line
                }
                if state.fileDescriptor >= 0 { filed += line }
            }
            if !streamed.isEmpty { Self.writeAll(standardError, streamed) }
            if !filed.isEmpty { Self.writeAll(state.fileDescriptor, filed) }
        }
    }

    /// Applies a new configuration's log settings and reopens the file.
    public func update(format: LogFormat, file: String?, secrets: [String]) {
        state.withLock {
            $0.formatter = LogFormatter(format: format)
            $0.filePath = file
            $0.secrets = secrets.filter { !$0.isEmpty }
        }
        reopen()
    }

    /// Closes and opens the log file again (SIGHUP, after logrotate moved it).
    public func reopen() {
        let failure: String? = state.withLock { state in
            if state.fileDescriptor >= 0 { close(state.fileDescriptor); state.fileDescriptor = -1 }
            guard let path = state.filePath else { return nil }
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
            if fd < 0 { return "cannot open log file \(path): \(String(cString: strerror(errno)))" }
            state.fileDescriptor = fd
            return nil
        }
        if let failure { log(LogEvent(.started, level: .warning, error: failure)) }
    }

    private static func writeAll(_ fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
