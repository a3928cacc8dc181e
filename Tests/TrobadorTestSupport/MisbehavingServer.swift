import Foundation

/// An HTTP server on 127.0.0.1 that answers the way broken networks and receivers do, for
/// what a well-behaved server will not do. One thread accepts, one serves each connection.
public final class MisbehavingServer: Sendable {
    public enum Behaviour: Sendable {
        /// Answers `200` announcing 100 bytes, then sends one byte per second.
        case dripsOneBytePerSecond
        /// Answers `200` announcing 1000 bytes, sends 10, then resets the connection (RST).
        case resetsMidResponse
        /// Answers `status` with a body of `bytes` bytes, announced, sent as fast as it is read.
        case hugeBody(status: Int, bytes: Int)
    }

    public let port: UInt16
    private let listener: Int32
    private let open = Locked<Set<Int32>>([])
    private let served = Locked(0)

    public init(_ behaviour: Behaviour) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var reuse: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 64) == 0 else { throw CocoaError(.fileWriteUnknown) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        port = UInt16(bigEndian: address.sin_port)
        self.listener = listener
        let open = self.open
        let served = self.served
        Thread.detachNewThread {
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }
                open.withLock { _ = $0.insert(client) }
                served.withLock { $0 += 1 }
                Thread.detachNewThread {
                    Self.serve(client, behaviour)
                    // Closed here unless `stop()` closed it first.
                    if open.withLock({ $0.remove(client) }) != nil { close(client) }
                }
            }
        }
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Connections accepted so far.
    public var connections: Int { served.withLock { $0 } }

    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        open.withLock { descriptors in
            for descriptor in descriptors {
                shutdown(descriptor, Int32(SHUT_RDWR))
                close(descriptor)
            }
            descriptors.removeAll()
        }
    }

    private static func serve(_ descriptor: Int32, _ behaviour: Behaviour) {
        guard readRequestHead(descriptor) else { return }
        switch behaviour {
        case .dripsOneBytePerSecond:
            guard send(descriptor, Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n".utf8)) else { return }
            for _ in 0..<100 {
                guard send(descriptor, [UInt8(ascii: " ")]) else { return }
                sleep(1)
            }
        case .resetsMidResponse:
            _ = send(descriptor, Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\": \"12".utf8))
            usleep(100_000)
            // SO_LINGER with a zero timeout: close sends RST instead of FIN.
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        case .hugeBody(let status, let bytes):
            guard send(descriptor, Array("HTTP/1.1 \(status) Whatever\r\nContent-Type: text/html\r\nContent-Length: \(bytes)\r\n\r\n".utf8)) else { return }
            let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
            var left = bytes
            while left > 0 {
                guard send(descriptor, Array(chunk.prefix(left))) else { return }
                left -= min(left, chunk.count)
            }
        }
    }

    /// Reads up to the end of the request head; the body, if any, is left unread.
    private static func readRequestHead(_ descriptor: Int32) -> Bool {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while pending.firstRange(of: Array("\r\n\r\n".utf8)) == nil {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            pending.append(contentsOf: buffer[..<count])
        }
        return true
    }

    private static func send(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        var rest = bytes[...]
        while !rest.isEmpty {
            // MSG_NOSIGNAL: a peer that left must not kill the test process with SIGPIPE.
            let sent = rest.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return false }
            rest = rest.dropFirst(sent)
        }
        return true
    }
}
