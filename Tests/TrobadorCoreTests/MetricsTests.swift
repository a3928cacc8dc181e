import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorCore

@Suite("metrics: the Prometheus text file and the STATUS= line")
struct MetricsTests {
    static let status = StatusReport(
        channels: [
            .init(channel: "hook", counts: ["delivered": 3, "failed": 1, "pending": 2]),
            .init(channel: "retired", counts: ["delivered": 7]),
        ],
        paused: [.init(channel: "hook", since: Date(), probeAt: Date().addingTimeInterval(10), reason: "HTTP 503")],
        problems: [])

    @Test func attempts_durations_queue_breaker_and_last_delivery_parse_as_prometheus_text() throws {
        let metrics = DeliveryMetrics(startedAt: Date(timeIntervalSince1970: 1_782_028_800))
        metrics.setChannels(["hook", "outbox"])
        let delivered = Date(timeIntervalSince1970: 1_782_028_900.25)
        metrics.recordAttempt(channel: "hook", outcome: .delivered, milliseconds: 40, at: delivered)
        metrics.recordAttempt(channel: "hook", outcome: .retrying, milliseconds: 300, at: delivered.addingTimeInterval(-5))
        metrics.recordAttempt(channel: "hook", outcome: .failed, milliseconds: 20_000, at: delivered.addingTimeInterval(-1))

        let parsed = try PrometheusTextParser(PrometheusText.render(metrics.snapshot(), status: Self.status))

        #expect(parsed.types["trobador_attempts_total"] == "counter")
        #expect(parsed.types["trobador_attempt_duration_seconds"] == "histogram")
        #expect(parsed.value("trobador_attempts_total", ["channel": "hook", "outcome": "delivered"]) == 1)
        #expect(parsed.value("trobador_attempts_total", ["channel": "hook", "outcome": "retrying"]) == 1)
        #expect(parsed.value("trobador_attempts_total", ["channel": "outbox", "outcome": "delivered"]) == 0)
        #expect(parsed.value("trobador_attempt_duration_seconds_bucket", ["channel": "hook", "le": "0.05"]) == 1)
        #expect(parsed.value("trobador_attempt_duration_seconds_bucket", ["channel": "hook", "le": "0.5"]) == 2)
        #expect(parsed.value("trobador_attempt_duration_seconds_bucket", ["channel": "hook", "le": "15"]) == 2)
        #expect(parsed.value("trobador_attempt_duration_seconds_bucket", ["channel": "hook", "le": "+Inf"]) == 3)
        #expect(abs((parsed.value("trobador_attempt_duration_seconds_sum", ["channel": "hook"]) ?? 0) - 20.34) < 1e-9)
        #expect(parsed.value("trobador_deliveries", ["channel": "hook", "state": "pending"]) == 2)
        #expect(parsed.value("trobador_deliveries", ["channel": "hook", "state": "uncertain"]) == 0)
        #expect(parsed.value("trobador_deliveries", ["channel": "retired", "state": "delivered"]) == 7, "channels known only to the store")
        #expect(parsed.value("trobador_channel_paused", ["channel": "hook"]) == 1)
        #expect(parsed.value("trobador_channel_paused", ["channel": "outbox"]) == 0)
        #expect(parsed.value("trobador_last_delivery_timestamp_seconds", ["channel": "hook"]) == 1_782_028_900.25)
        #expect(parsed.value("trobador_last_delivery_timestamp_seconds", ["channel": "outbox"]) == nil, "never delivered: absent, not 1970")
        #expect(parsed.value("trobador_start_time_seconds") == 1_782_028_800)
    }

    @Test func the_last_delivery_read_at_start_is_kept_until_a_newer_one() {
        let metrics = DeliveryMetrics()
        let earlier = Date(timeIntervalSince1970: 1_700_000_000)
        metrics.seedLastDelivered(["hook": earlier])
        metrics.recordAttempt(channel: "hook", outcome: .failed, milliseconds: 5, at: earlier.addingTimeInterval(60))
        #expect(metrics.snapshot().lastDelivered["hook"] == earlier)
        metrics.recordAttempt(channel: "hook", outcome: .updated, milliseconds: 5, at: earlier.addingTimeInterval(120))
        #expect(metrics.snapshot().lastDelivered["hook"] == earlier.addingTimeInterval(120))
    }

    @Test func label_values_are_escaped() {
        #expect(PrometheusText.escaped(#"a"b\c"# + "\n") == #"a\"b\\c\n"#)
        #expect(PrometheusText.escaped("fête-été_c1") == "fête-été_c1")
        #expect(PrometheusText.escaped("new\nline") == #"new\nline"#)
    }

    @Test func the_status_line_sums_the_channels_and_names_what_needs_an_eye() {
        #expect(StatusPublisher.statusLine(Self.status, channels: 2) == "2 pending, 0 in flight, 0 retrying, 1 failed; 2 channels, 1 paused")
        let quiet = StatusReport(channels: [], paused: [], problems: [])
        #expect(StatusPublisher.statusLine(quiet, channels: 1) == "0 pending, 0 in flight, 0 retrying, 0 failed; 1 channel")
    }

    @Test func the_file_is_replaced_whole_and_readable_by_node_exporter() throws {
        let directory = try TemporaryDirectory("metrics")
        defer { directory.remove() }
        let path = directory.file("trobador.prom")

        try StatusPublisher.replace(path, with: "# TYPE a gauge\na 1\n")
        try StatusPublisher.replace(path, with: "# TYPE a gauge\na 2\n")

        #expect(try String(contentsOfFile: path, encoding: .utf8) == "# TYPE a gauge\na 2\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o644)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["trobador.prom"], "no temporary file left")
    }
}
