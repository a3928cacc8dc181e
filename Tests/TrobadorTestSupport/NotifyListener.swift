import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A Unix datagram socket playing systemd's side of `NOTIFY_SOCKET` (or journald's): it
/// keeps every datagram received, with the moment it arrived.
public final class NotifyListener: Sendable {
    public struct Message: Sendable {
        public var at: ContinuousClock.Instant
        public var bytes: [UInt8]
        public var text: String { String(decoding: bytes, as: UTF8.self) }
        /// `VARIABLE=value` lines as a dictionary (the text form; enough for sd_notify).
        public var variables: [String: String] {
            var result: [String: String] = [:]
            for line in text.split(separator: "\n") {
                guard let equal = line.firstIndex(of: "=") else { continue }
                result[String(line[..<equal])] = String(line[line.index(after: equal)...])
            }
            return result
        }
    }

    /// What to put in `NOTIFY_SOCKET`: the path, or `@name` for the abstract namespace.
    public let address: String
    private let descriptor: Int32
    private let received = Locked<[Message]>([])
    private let stopped = Locked(false)

    /// Binds at `path`, or at an abstract name when `path` starts with `@`.
    public init(path: String) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let length = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (abstract ? 0 : 1)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(length)) }
        }
        guard bound == 0 else {
            close(descriptor)
            throw CocoaError(.fileWriteUnknown)
        }
        // Wake up now and then to notice `stop()`.
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        self.address = path
        self.descriptor = descriptor
        let received = self.received
        let stopped = self.stopped
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 1 << 17)
            while !stopped.withLock({ $0 }) {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                guard count > 0 else { continue }
                let message = Message(at: .now, bytes: Array(buffer[0..<count]))
                received.withLock { $0.append(message) }
            }
            close(descriptor)
        }
    }

    public var messages: [Message] { received.withLock { $0 } }

    /// Messages setting `variable` (such as `READY`), in order.
    public func messages(setting variable: String) -> [Message] {
        messages.filter { $0.variables[variable] != nil }
    }

    /// Waits until `condition` holds for the messages so far, or `timeout` passes.
    @discardableResult
    public func wait(timeout: Duration = .seconds(30), until condition: ([Message]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(messages) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(messages)
    }

    public func stop() {
        stopped.withLock { $0 = true }
        if !address.hasPrefix("@") { unlink(address) }
    }
}
