import Foundation

/// The metrics file in Prometheus' text exposition format, as node_exporter's textfile
/// collector reads it (no timestamps on samples; the collector adds the file's mtime).
/// Every channel gets every series, zeros included, so that a rate or an alert never sees a
/// series appear out of nothing.
public enum PrometheusText {
    public static func render(_ metrics: DeliveryMetrics.Snapshot, status: StatusReport) -> String {
        var channels = metrics.channels
        for line in status.channels where !channels.contains(line.channel) { channels.append(line.channel) }
        var text = ""

        family(&text, "trobador_start_time_seconds", .gauge, "When the daemon started, in seconds since 1970.")
        sample(&text, "trobador_start_time_seconds", [], seconds(metrics.startedAt))

        family(&text, "trobador_attempts_total", .counter,
               "Delivery attempts that ended since the daemon started, by channel and outcome (the event logged for it).")
        for channel in channels {
            for outcome in DeliveryMetrics.outcomes {
                let count = metrics.attempts[channel]?[outcome] ?? 0
                sample(&text, "trobador_attempts_total", [("channel", channel), ("outcome", outcome.rawValue)], String(count))
            }
        }

        family(&text, "trobador_attempt_duration_seconds", .histogram,
               "How long delivery attempts took since the daemon started, by channel.")
        for channel in channels {
            let histogram = metrics.durations[channel] ?? DeliveryMetrics.Histogram()
            var cumulative = 0
            for (index, bound) in DeliveryMetrics.durationBuckets.enumerated() {
                cumulative += histogram.counts[index]
                sample(&text, "trobador_attempt_duration_seconds_bucket", [("channel", channel), ("le", number(bound))], String(cumulative))
            }
            sample(&text, "trobador_attempt_duration_seconds_bucket", [("channel", channel), ("le", "+Inf")], String(histogram.count))
            sample(&text, "trobador_attempt_duration_seconds_sum", [("channel", channel)], number(histogram.sum))
            sample(&text, "trobador_attempt_duration_seconds_count", [("channel", channel)], String(histogram.count))
        }

        family(&text, "trobador_deliveries", .gauge,
               "Deliveries in the state database by channel and state, as `trobador status` counts them.")
        let counts = Dictionary(status.channels.map { ($0.channel, $0.counts) }, uniquingKeysWith: { first, _ in first })
        for channel in channels {
            for state in DeliveryState.allCases {
                let count = counts[channel]?[state.rawValue] ?? 0
                sample(&text, "trobador_deliveries", [("channel", channel), ("state", state.rawValue)], String(count))
            }
        }

        family(&text, "trobador_channel_paused", .gauge,
               "1 while the channel's breaker holds it paused after repeated failures (it probes now and then), else 0.")
        let paused = Set(status.paused.map(\.channel))
        for channel in channels {
            sample(&text, "trobador_channel_paused", [("channel", channel)], paused.contains(channel) ? "1" : "0")
        }

        family(&text, "trobador_last_delivery_timestamp_seconds", .gauge,
               "When the channel last delivered, updated or retracted a post, in seconds since 1970; absent if never.")
        for channel in channels {
            guard let time = metrics.lastDelivered[channel] else { continue }
            sample(&text, "trobador_last_delivery_timestamp_seconds", [("channel", channel)], seconds(time))
        }
        return text
    }

    enum Kind: String {
        case counter, gauge, histogram
    }

    private static func family(_ text: inout String, _ name: String, _ kind: Kind, _ help: String) {
        text += "# HELP \(name) \(help.replacingOccurrences(of: "\\", with: "\\\\"))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    private static func sample(_ text: inout String, _ name: String, _ labels: [(String, String)], _ value: String) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(escaped($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " " + value + "\n"
    }

    /// Label values escape `\`, `"` and newlines. Most have none of them, and are written as
    /// they are without a search through Foundation (hundreds of labels at every publication).
    static func escaped(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) else {
            return value
        }
        return value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// `1`, `0.25`, `142.5`: whole numbers without a trailing `.0`.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// Seconds since 1970, to the millisecond.
    static func seconds(_ date: Date) -> String {
        String(format: "%.3f", date.timeIntervalSince1970)
    }
}
