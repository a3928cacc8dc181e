import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorCore

@Suite("sd_notify over a real datagram socket")
struct SystemdNotifierTests {
    @Test func sends_notifications_together_as_one_datagram_to_a_socket_path() async throws {
        let directory = try TemporaryDirectory("notify")
        defer { directory.remove() }
        let listener = try NotifyListener(path: directory.file("notify.sock"))
        defer { listener.stop() }
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address]))

        notifier.notify([.stopping, .status("Stopping: 2 requests in flight")])

        #expect(await listener.wait(timeout: .seconds(5)) { !$0.isEmpty })
        #expect(listener.messages.map(\.text) == ["STOPPING=1\nSTATUS=Stopping: 2 requests in flight"])
    }

    @Test func reaches_a_socket_in_the_abstract_namespace() async throws {
        let listener = try NotifyListener(path: "@trobador-test-\(UUID().uuidString)")
        defer { listener.stop() }
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address]))

        notifier.notify([.ready])

        #expect(await listener.wait(timeout: .seconds(5)) { $0.map(\.text) == ["READY=1"] })
    }

    @Test func reloading_carries_the_monotonic_time_of_the_reload() {
        let before = ServiceNotification.monotonicMicroseconds()
        let line = ServiceNotification.reloading.line
        let after = ServiceNotification.monotonicMicroseconds()

        let parts = line.split(separator: "\n")
        #expect(parts.first == "RELOADING=1")
        #expect(parts.last?.hasPrefix("MONOTONIC_USEC=") == true)
        let stamp = parts.last.flatMap { UInt64($0.dropFirst("MONOTONIC_USEC=".count)) }
        #expect(stamp.map { (before...after).contains($0) } == true, "\(line)")
    }

    @Test func a_status_stays_on_one_line() {
        #expect(ServiceNotification.status("a\nb").line == "STATUS=a b")
    }

    @Test func is_absent_without_notify_socket() {
        #expect(SystemdNotifier(environment: [:]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": ""]) == nil)
    }

    @Test func arms_the_watchdog_at_half_its_timeout_only_for_this_process() throws {
        let socket = ["NOTIFY_SOCKET": "@trobador-unused"]
        let ours = try #require(SystemdNotifier(environment: socket.merging(["WATCHDOG_USEC": "30000000"]) { $1 }, pid: 42))
        #expect(ours.watchdog?.interval == .seconds(15))
        let named = try #require(SystemdNotifier(environment: socket.merging(["WATCHDOG_USEC": "400000", "WATCHDOG_PID": "42"]) { $1 }, pid: 42))
        #expect(named.watchdog?.interval == .milliseconds(200))
        // Inherited from a parent that was the one watched: not ours to feed.
        let inherited = try #require(SystemdNotifier(environment: socket.merging(["WATCHDOG_USEC": "400000", "WATCHDOG_PID": "41"]) { $1 }, pid: 42))
        #expect(inherited.watchdog == nil)
        #expect(try #require(SystemdNotifier(environment: socket, pid: 42)).watchdog == nil)
        #expect(try #require(SystemdNotifier(environment: socket.merging(["WATCHDOG_USEC": "0"]) { $1 }, pid: 42)).watchdog == nil)
    }

    @Test func the_delivery_loop_pings_the_watchdog_at_its_interval_while_idle() async throws {
        let directory = try TemporaryDirectory("watchdog")
        defer { directory.remove() }
        let listener = try NotifyListener(path: directory.file("notify.sock"))
        defer { listener.stop() }
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "200000"]))
        let store = try SQLiteStateStore(path: directory.file("state.sqlite"))
        let engine = DeliveryEngine(
            lanes: [], store: store, log: EventLog(standardError: open("/dev/null", O_WRONLY)), settings: DeliverySettings(),
            watchdog: notifier.watchdog)

        let run = Task { await engine.run() }
        // Other suites of this process share its few threads and may delay the loop, so this
        // checks the loop keeps pinging and never faster than its interval; the rate itself is
        // measured on the real daemon, alone in its process (SystemdEndToEndTests).
        let pinged = await eventually(timeout: .seconds(60)) { listener.messages.filter { $0.text == "WATCHDOG=1" }.count >= 5 }
        run.cancel()
        await run.value
        #expect(pinged)
        let times = listener.messages.filter { $0.text == "WATCHDOG=1" }.map(\.at)
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(later - earlier >= .milliseconds(90), "pings at most every 100 ms")
        }
    }
}
