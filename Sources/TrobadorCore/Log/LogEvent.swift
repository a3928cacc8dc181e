import Foundation

/// The events of SPEC's Logs section: one line each.
public enum LogEventName: String, Sendable, CaseIterable {
    case started, ready, reloaded, stopping, stopped
    case accepted, duplicate, rejected, scheduled
    case delivered, retrying, failed, uncertain
    case updated, retracted, expired
    /// An update not sent on a channel that cannot edit, as `on_update = "skip"` asks.
    case skipped
    case channelPaused = "channel_paused"
    case channelResumed = "channel_resumed"
    /// The inbox is not read because the state database cannot be written (a full disk):
    /// posts wait in the inbox, untouched.
    case intakePaused = "intake_paused"
    case intakeResumed = "intake_resumed"
    case deliveryPaused = "delivery_paused"
    case deliveryResumed = "delivery_resumed"
}

public enum LogLevel: String, Sendable, Comparable {
    case debug, info, warning, error

    /// syslog priority, for the `<N>` prefix journald understands.
    public var syslogPriority: Int {
        switch self {
        case .debug: 7
        case .info: 6
        case .warning: 4
        case .error: 3
        }
    }

    private var rank: Int { syslogPriority }
    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank > rhs.rank }
}

/// One log line before formatting. Keys are typed so that every line uses SPEC's names in
/// SPEC's order: `ts level event post channel file attempt http ms remote_id url next_in error`,
/// then the others.
public struct LogEvent: Sendable {
    public var time: Date
    public var level: LogLevel
    public var event: LogEventName
    public var post: String?
    public var channel: String?
    public var attempt: Int?
    public var http: Int?
    public var milliseconds: Int?
    public var remoteID: String?
    public var url: String?
    public var nextIn: Duration?
    public var error: String?
    public var file: String?
    /// Further keys, in the order given (`version`, `action`, `deliveries`, ...).
    public var extra: [(key: String, value: String)]

    public init(
        _ event: LogEventName, level: LogLevel = .info, time: Date = Date(), post: String? = nil,
        channel: String? = nil, attempt: Int? = nil, http: Int? = nil, milliseconds: Int? = nil,
        remoteID: String? = nil, url: String? = nil, nextIn: Duration? = nil, error: String? = nil,
        file: String? = nil, extra: [(key: String, value: String)] = []
    ) {
        self.time = time
        self.level = level
        self.event = event
        self.post = post
        self.channel = channel
        self.attempt = attempt
        self.http = http
        self.milliseconds = milliseconds
        self.remoteID = remoteID
        self.url = url
        self.nextIn = nextIn
        self.error = error
        self.file = file
        self.extra = extra
    }

    /// The keys and values in SPEC order, values as text, numbers unquoted.
    var fields: [(key: String, value: LogValue)] {
        var fields: [(key: String, value: LogValue)] = []
        forEachField { fields.append(($0, $1)) }
        return fields
    }

    /// Hands over `fields` one by one: a line is written for every attempt, and the array of
    /// them cost a quarter of writing it.
    func forEachField(_ body: (String, LogValue) -> Void) {
        body("ts", .text(LogEvent.timestamp(time)))
        body("level", .text(level.rawValue))
        body("event", .text(event.rawValue))
        if let post { body("post", .text(post)) }
        if let channel { body("channel", .text(channel)) }
        if let file { body("file", .text(file)) }
        if let attempt { body("attempt", .number(attempt)) }
        if let http { body("http", .number(http)) }
        if let milliseconds { body("ms", .number(milliseconds)) }
        if let remoteID { body("remote_id", .text(remoteID)) }
        if let url { body("url", .text(url)) }
        if let nextIn { body("next_in", .text(LogEvent.shortDuration(nextIn))) }
        if let error { body("error", .text(error)) }
        for (key, value) in extra { body(key, .text(value)) }
    }

    /// `2026-06-21T08:00:00.412Z`
    static func timestamp(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        // Digit by digit into 24 bytes: every log line starts with one.
        var text: [UInt8] = []
        text.reserveCapacity(24)
        func digits(_ value: Int32, _ width: Int, then separator: Unicode.Scalar) {
            var divisor: Int32 = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
            text.append(UInt8(ascii: separator))
        }
        digits(parts.tm_year + 1900, 4, then: "-")
        digits(parts.tm_mon + 1, 2, then: "-")
        digits(parts.tm_mday, 2, then: "T")
        digits(parts.tm_hour, 2, then: ":")
        digits(parts.tm_min, 2, then: ":")
        digits(parts.tm_sec, 2, then: ".")
        digits(Int32(millis % 1000), 3, then: "Z")
        return String(decoding: text, as: UTF8.self)
    }

    /// `5s`, `2m30s`, `1h`, `450ms`: how long until the next attempt.
    public static func shortDuration(_ duration: Duration) -> String {
        let totalMillis = Int64(duration.components.seconds) * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if totalMillis < 1000 { return "\(max(0, totalMillis))ms" }
        var seconds = (totalMillis + 500) / 1000
        let hours = seconds / 3600
        seconds %= 3600
        let minutes = seconds / 60
        seconds %= 60
        var text = ""
        if hours > 0 { text += "\(hours)h" }
        if minutes > 0 { text += "\(minutes)m" }
        if seconds > 0 || text.isEmpty { text += "\(seconds)s" }
        return text
    }
}

enum LogValue {
    case text(String)
    case number(Int)
}
