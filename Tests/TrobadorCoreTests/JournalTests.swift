import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorCore

@Suite("journald: native entries when stderr is the journal")
struct JournalTests {
    /// Reads a native protocol datagram back: `NAME=value\n`, or `NAME\n` + 64-bit LE length + value + `\n`.
    static func fields(of bytes: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        var index = 0
        while index < bytes.count {
            let lineEnd = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            if let equal = bytes[index..<lineEnd].firstIndex(of: UInt8(ascii: "=")) {
                fields[String(decoding: bytes[index..<equal], as: UTF8.self)] = String(decoding: bytes[(equal + 1)..<lineEnd], as: UTF8.self)
                index = lineEnd + 1
            } else {
                let name = String(decoding: bytes[index..<lineEnd], as: UTF8.self)
                var length: UInt64 = 0
                for (shift, byte) in bytes[(lineEnd + 1)..<(lineEnd + 9)].enumerated() { length |= UInt64(byte) << (8 * UInt64(shift)) }
                let start = lineEnd + 9
                fields[name] = String(decoding: bytes[start..<(start + Int(length))], as: UTF8.self)
                index = start + Int(length) + 1
            }
        }
        return fields
    }

    @Test func an_entry_carries_the_keys_of_its_line_as_fields_and_stderr_gets_nothing() async throws {
        let directory = try TemporaryDirectory("journal")
        defer { directory.remove() }
        let journald = try NotifyListener(path: directory.file("journal.sock"))
        defer { journald.stop() }
        let stderrPath = directory.file("stderr")
        let stderr = open(stderrPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        defer { close(stderr) }
        let socket: JournalSocket = try #require(JournalSocket(path: journald.address))
        let log = EventLog(standardError: stderr, secrets: ["tok-s3cret"], journal: socket)

        log.log(LogEvent(
            .retrying, level: .warning, post: "fete-musique-2026", channel: "discord-culture", attempt: 1, http: 503,
            milliseconds: 88, nextIn: .seconds(5), error: "service unavailable\nat https://example.org/?token=tok-s3cret"))

        #expect(await journald.wait(timeout: .seconds(5)) { !$0.isEmpty })
        let entry = Self.fields(of: try #require(journald.messages.first).bytes)
        #expect(entry["PRIORITY"] == "4")
        #expect(entry["SYSLOG_IDENTIFIER"] == "trobador")
        #expect(entry["EVENT"] == "retrying")
        #expect(entry["POST"] == "fete-musique-2026")
        #expect(entry["CHANNEL"] == "discord-culture")
        #expect(entry["HTTP_STATUS"] == "503")
        #expect(entry["ATTEMPT"] == "1")
        #expect(entry["DURATION_MS"] == "88")
        #expect(entry["NEXT_IN"] == "5s")
        // A value holding a newline travels in the binary form, whole; secrets never travel.
        #expect(entry["ERROR"] == "service unavailable\nat https://example.org/?token=***")
        let message = try #require(entry["MESSAGE"])
        #expect(message.contains("level=warning event=retrying post=fete-musique-2026 channel=discord-culture attempt=1 http=503"))
        #expect(!message.contains("tok-s3cret"))
        #expect(entry["TS"] == nil && entry["LEVEL"] == nil)
        #expect(try String(contentsOfFile: stderrPath, encoding: .utf8).isEmpty)
    }

    @Test func an_entry_journald_does_not_take_goes_to_stderr_with_its_priority() throws {
        let directory = try TemporaryDirectory("journal")
        defer { directory.remove() }
        let stderrPath = directory.file("stderr")
        let stderr = open(stderrPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        defer { close(stderr) }
        let socket: JournalSocket = try #require(JournalSocket(path: directory.file("nobody-listens.sock")))
        let log = EventLog(standardError: stderr, journal: socket)

        log.log(LogEvent(.failed, level: .error, post: "p", channel: "hook", error: "refused"))
        log.log(LogEvent(.delivered, post: "q", channel: "hook"))

        let lines = try String(contentsOfFile: stderrPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("<3>ts="))
        #expect(lines[1].hasPrefix("<6>ts="))
    }

    @Test func field_names_are_the_log_keys_in_capitals() {
        #expect(JournalSocket.fieldName(for: "post") == "POST")
        #expect(JournalSocket.fieldName(for: "remote_id") == "REMOTE_ID")
        #expect(JournalSocket.fieldName(for: "http") == "HTTP_STATUS")
        #expect(JournalSocket.fieldName(for: "in_flight") == "IN_FLIGHT")
        #expect(JournalSocket.fieldName(for: "ts") == nil)
        #expect(JournalSocket.fieldName(for: "_pid") == nil, "trusted fields cannot be forged")
        #expect(JournalSocket.fieldName(for: "2fa") == nil)
    }

    @Test func stderr_is_the_journal_only_when_journal_stream_names_its_device_and_inode() throws {
        let directory = try TemporaryDirectory("journal")
        defer { directory.remove() }
        let fd = open(directory.file("stderr"), O_WRONLY | O_CREAT, 0o644)
        defer { close(fd) }
        var info = stat()
        try #require(fstat(fd, &info) == 0)
        let other = open(directory.file("other"), O_WRONLY | O_CREAT, 0o644)
        defer { close(other) }

        #expect(JournalStream.isConnected(fd, environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"]))
        #expect(!JournalStream.isConnected(other, environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"]))
        #expect(!JournalStream.isConnected(fd, environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino + 1)"]))
        #expect(!JournalStream.isConnected(fd, environment: ["JOURNAL_STREAM": "journal"]))
        #expect(!JournalStream.isConnected(fd, environment: [:]))
    }
}
