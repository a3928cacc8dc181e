import Foundation
import Testing
@testable import TrobadorCore

@Suite("log lines")
struct LogFormatTests {
    static let time = Date(timeIntervalSince1970: 1_782_028_800.412)

    @Test func logfmt_keys_come_in_spec_order_with_values_quoted_only_when_needed() {
        let line = LogFormatter(format: .logfmt).line(for: LogEvent(
            .delivered, time: Self.time, post: "fete-musique-2026", channel: "mastodon", attempt: 1, http: 200,
            milliseconds: 142, remoteID: "113245", url: "https://mastodon.social/@region/113245"))
        #expect(line == "ts=2026-06-21T08:00:00.412Z level=info event=delivered post=fete-musique-2026 channel=mastodon attempt=1 http=200 ms=142 remote_id=113245 url=https://mastodon.social/@region/113245")
    }

    @Test func retrying_line_matches_the_spec_example() {
        let line = LogFormatter(format: .logfmt).line(for: LogEvent(
            .retrying, level: .warning, time: Self.time.addingTimeInterval(0.118), post: "fete-musique-2026", channel: "discord-culture",
            attempt: 1, http: 503, milliseconds: 88, nextIn: .seconds(5), error: "service unavailable"))
        #expect(line == #"ts=2026-06-21T08:00:00.530Z level=warning event=retrying post=fete-musique-2026 channel=discord-culture attempt=1 http=503 ms=88 next_in=5s error="service unavailable""#)
    }

    @Test func rejected_line_matches_the_spec_example() {
        let line = LogFormatter(format: .logfmt).line(for: LogEvent(
            .rejected, level: .error, time: Self.time.addingTimeInterval(0.59), error: "media[0]: image has no alt text (line 9, column 5)",
            file: "inbox/sans-alt.md"))
        #expect(line == #"ts=2026-06-21T08:00:01.002Z level=error event=rejected file=inbox/sans-alt.md error="media[0]: image has no alt text (line 9, column 5)""#)
    }

    @Test func quotes_and_newlines_are_escaped_so_a_line_stays_one_line() {
        let line = LogFormatter(format: .logfmt).line(for: LogEvent(.rejected, level: .error, time: Self.time, error: "bad \"x\"\nnext", file: "inbox/a b.md"))
        #expect(line == #"ts=2026-06-21T08:00:00.412Z level=error event=rejected file="inbox/a b.md" error="bad \"x\"\nnext""#)
    }

    @Test func json_has_the_same_keys_in_the_same_order() throws {
        let line = LogFormatter(format: .json).line(for: LogEvent(.delivered, time: Self.time, post: "p", channel: "c", attempt: 2, http: 200, milliseconds: 5))
        #expect(line == #"{"ts":"2026-06-21T08:00:00.412Z","level":"info","event":"delivered","post":"p","channel":"c","attempt":2,"http":200,"ms":5}"#)
        #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any])
    }

    @Test func durations_read_like_an_operator_would_say_them() {
        #expect(LogEvent.shortDuration(.milliseconds(450)) == "450ms")
        #expect(LogEvent.shortDuration(.seconds(5)) == "5s")
        #expect(LogEvent.shortDuration(.seconds(150)) == "2m30s")
        #expect(LogEvent.shortDuration(.seconds(3600)) == "1h")
    }

    @Test func secrets_never_reach_a_line() throws {
        let path = NSTemporaryDirectory() + "/secret-\(UUID().uuidString).log"
        defer { unlink(path) }
        let fd = open(path, O_WRONLY | O_CREAT, 0o600)
        let log = EventLog(standardError: fd, secrets: ["s3cr3t-token"])
        log.log(LogEvent(.failed, level: .error, error: "401 for https://api.example.org/bots3cr3t-token/send"))
        close(fd)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("s3cr3t-token"))
        #expect(text.contains("bot***/send"))
    }

    @Test func a_batch_of_lines_is_one_write_in_order_below_the_level_left_out() throws {
        // A socket that keeps each write a message of its own: one read returns one write.
        var ends: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue), 0, &ends) == 0)
        defer { close(ends[0]) }
        let path = NSTemporaryDirectory() + "/batch-\(UUID().uuidString).log"
        defer { unlink(path) }
        let log = EventLog(file: path, standardError: ends[1], syslogPrefix: true)
        log.log([
            LogEvent(.delivered, time: Self.time, post: "p1", channel: "c1"),
            LogEvent(.delivered, level: .debug, time: Self.time, post: "hidden", channel: "c1"),
            LogEvent(.retrying, level: .warning, time: Self.time, post: "p2", channel: "c2", error: "timeout"),
        ])
        close(ends[1])
        // Both lines come in the first message: one write put them there.
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(ends[0], &buffer, buffer.count)
        let streamed = String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
        #expect(streamed == """
            <6>ts=2026-06-21T08:00:00.412Z level=info event=delivered post=p1 channel=c1
            <4>ts=2026-06-21T08:00:00.412Z level=warning event=retrying post=p2 channel=c2 error=timeout

            """)
        let filed = try String(contentsOfFile: path, encoding: .utf8)
        #expect(filed == streamed.replacingOccurrences(of: "<6>", with: "").replacingOccurrences(of: "<4>", with: ""))
    }

    @Test func log_timestamp_is_utc_to_the_millisecond_with_every_field_zero_padded() {
        #expect(LogEvent.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(LogEvent.timestamp(Date(timeIntervalSince1970: 1_782_028_800.412)) == "2026-06-21T08:00:00.412Z")
        #expect(LogEvent.timestamp(Date(timeIntervalSince1970: 1_796_000_405.005)) == "2026-11-30T01:00:05.005Z")
        #expect(LogEvent.timestamp(Date(timeIntervalSince1970: 946_684_799.999)) == "1999-12-31T23:59:59.999Z")
    }


    @Test func logfmt_value_is_bare_only_when_it_needs_no_quotes() {
        #expect(LogFormatter.logfmtValue("drain-000001") == "drain-000001")
        #expect(LogFormatter.logfmtValue("fête-été") == "fête-été")
        #expect(LogFormatter.logfmtValue("a b") == #""a b""#)
        #expect(LogFormatter.logfmtValue("k=v") == #""k=v""#)
        #expect(LogFormatter.logfmtValue(#"say "hi""#) == #""say \"hi\"""#)
        #expect(LogFormatter.logfmtValue("back\\slash") == #""back\\slash""#)
        #expect(LogFormatter.logfmtValue("del\u{7F}") == #""del\u007f""#)
        #expect(LogFormatter.logfmtValue("") == #""""#)
        #expect(LogFormatter.logfmtValue("ligne\nsuivante\ttab\r") == #""ligne\nsuivante\ttab\r""#)
        #expect(LogFormatter.logfmtValue("bell\u{07} esc\u{1B}") == #""bell\u0007 esc\u001b""#)
        #expect(LogFormatter.logfmtValue("Fête 🎶 « été »") == #""Fête 🎶 « été »""#)
        #expect(LogFormatter.logfmtValue("🎶") == "🎶")
    }
}
