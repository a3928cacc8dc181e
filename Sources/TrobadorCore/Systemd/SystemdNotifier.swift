import Foundation

/// What the daemon tells its service manager (sd_notify(3)'s variables).
public enum ServiceNotification: Sendable, Equatable {
    /// Start-up is over: the inbox is watched.
    case ready
    /// A reload begins; READY=1 ends it. Carries the monotonic time, which systemd uses to
    /// tell this reload from an earlier one.
    case reloading
    /// Shutdown begins.
    case stopping
    /// One line for `systemctl status`.
    case status(String)
    /// The delivery loop is alive.
    case watchdog

    /// The `VARIABLE=value` line(s), without the final newline.
    var line: String {
        switch self {
        case .ready: "READY=1"
        case .reloading: "RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())"
        case .stopping: "STOPPING=1"
        // One line only: a newline would start another variable.
        case .status(let text): "STATUS=" + text.map { $0.isNewline ? " " : String($0) }.joined()
        case .watchdog: "WATCHDOG=1"
        }
    }

    /// CLOCK_MONOTONIC in microseconds, the clock systemd compares with.
    static func monotonicMicroseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000 + UInt64(time.tv_nsec) / 1000
    }
}

/// Something that can tell the service manager how the daemon is doing. The daemon holds one
/// only when it runs under a manager that listens; tests give it a real socket.
public protocol ServiceNotifier: Sendable {
    /// Sends the notifications together, as one message. Never fails: a manager that stopped
    /// listening is not a reason to stop delivering.
    func notify(_ notifications: [ServiceNotification])
    /// The watchdog the manager asked for, if any.
    var watchdog: ServiceWatchdog? { get }
}

/// Keeps the service manager's watchdog fed: `ping` must be called at least every `interval`,
/// from the code whose liveness it vouches for (the delivery loop), or the manager restarts
/// the daemon.
public struct ServiceWatchdog: Sendable {
    /// How often to ping: half of what the manager allows, so one late turn is not fatal.
    public var interval: Duration
    public var ping: @Sendable () -> Void

    public init(interval: Duration, ping: @escaping @Sendable () -> Void) {
        self.interval = interval
        self.ping = ping
    }
}

/// The systemd notification protocol over `$NOTIFY_SOCKET`, written out rather than linked
/// from libsystemd: it is one datagram of `VARIABLE=value` lines, and a library (and its
/// absence on some machines) would cost more than these lines.
public final class SystemdNotifier: ServiceNotifier {
    private let socket: UnixDatagramSocket
    public let watchdog: ServiceWatchdog?

    /// Nil unless `NOTIFY_SOCKET` names a socket (a path, or `@name` in the abstract
    /// namespace). The watchdog is armed when `WATCHDOG_USEC` is set and `WATCHDOG_PID` is
    /// unset or is this process: a child started by the daemon must not inherit its duty.
    public init?(environment: [String: String], pid: Int32 = getpid()) {
        guard let address = environment["NOTIFY_SOCKET"], let socket = UnixDatagramSocket(address: address) else {
            return nil
        }
        self.socket = socket
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == pid } ?? true
        if forUs, let text = environment["WATCHDOG_USEC"], let microseconds = UInt64(text), microseconds > 0 {
            watchdog = ServiceWatchdog(interval: .microseconds(microseconds / 2)) { [socket] in
                socket.send(Array(ServiceNotification.watchdog.line.utf8))
            }
        } else {
            watchdog = nil
        }
    }

    public func notify(_ notifications: [ServiceNotification]) {
        guard !notifications.isEmpty else { return }
        socket.send(Array(notifications.map(\.line).joined(separator: "\n").utf8))
    }
}
