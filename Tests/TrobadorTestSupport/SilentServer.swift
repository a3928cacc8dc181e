import Foundation
import Synchronization

/// A TCP server on 127.0.0.1 that accepts connections and never answers: a platform that
/// hangs. Also hands out a port where nothing listens (connection refused).
public final class SilentServer: Sendable {
    public let port: UInt16
    private let listener: Int32
    private let accepted = Locked<[Int32]>([])

    public init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 128) == 0 else { throw CocoaError(.fileWriteUnknown) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        port = UInt16(bigEndian: address.sin_port)
        _ = length
        let fd = listener
        let accepted = self.accepted
        Thread.detachNewThread {
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 { return }
                accepted.withLock { $0.append(client) }
            }
        }
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Connections accepted so far.
    public var connections: Int { accepted.withLock { $0.count } }

    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        accepted.withLock { $0.forEach { close($0) } }
    }

    /// A port on 127.0.0.1 where nothing listens now.
    public static func closedPort() throws -> UInt16 {
        let server = try SilentServer()
        let port = server.port
        server.stop()
        return port
    }
}
