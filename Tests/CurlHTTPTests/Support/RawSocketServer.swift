#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// A TCP server on 127.0.0.1 that behaves exactly as a test needs, for what a well-behaved
/// HTTP server will not do (stay silent, never end a body) and for counting connections.
/// One thread accepts, one thread serves each connection.
final class RawSocketServer: Sendable {
    enum Behaviour: Sendable {
        /// Accepts and reads, never answers.
        case silent
        /// Answers every request on a connection with `200 ok`, keeping the connection open.
        case keepAliveOK
        /// Answers with headers and no Content-Length, then sends bytes until the peer leaves.
        case endlessBody
        /// Answers with a status line, then header lines until the peer leaves.
        case endlessHeaders
        /// Sends `100 Continue` with a header, then the real `200` response with another.
        case interimThenOK
        /// Closes the connection as soon as the request has arrived.
        case closesWithoutAnswer
    }

    let port: UInt16
    private let behaviour: Behaviour
    private let listener: Int32
    private let acceptCount = Atomic<Int>(0)
    /// Open connections, so `stop()` can wake their threads; each thread closes its own.
    private let connections = Mutex<Set<Int32>>([])

    /// Connections accepted so far.
    var acceptedConnections: Int { acceptCount.load(ordering: .relaxed) }

    init(_ behaviour: Behaviour) throws {
        self.behaviour = behaviour
        (listener, port) = try Self.listen()
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Stops accepting and ends every connection.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        connections.withLock { open in
            for descriptor in open { shutdown(descriptor, Int32(SHUT_RDWR)) }
        }
    }

    /// A port on 127.0.0.1 where nothing listens (bound, then released).
    static func unusedPort() throws -> UInt16 {
        let (descriptor, port) = try listen()
        close(descriptor)
        return port
    }

    private static func listen() throws -> (Int32, UInt16) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, Glibc.listen(descriptor, 128) == 0 else {
            close(descriptor)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        var actual = sockaddr_in()
        var actualLength = length
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &actualLength) }
        }
        return (descriptor, UInt16(bigEndian: actual.sin_port))
    }

    private func acceptLoop() {
        while true {
            let descriptor = accept(listener, nil, nil)
            if descriptor < 0 {
                if errno == EINTR { continue }
                break  // stop() shut the listener down
            }
            acceptCount.add(1, ordering: .relaxed)
            connections.withLock { _ = $0.insert(descriptor) }
            Thread.detachNewThread { [self] in
                serve(descriptor)
                connections.withLock { open in
                    open.remove(descriptor)
                    close(descriptor)
                }
            }
        }
        close(listener)
    }

    private func serve(_ descriptor: Int32) {
        var pending: [UInt8] = []
        switch behaviour {
        case .silent:
            while readMore(descriptor, into: &pending) { pending.removeAll() }
        case .keepAliveOK:
            while readRequestHead(descriptor, pending: &pending) {
                guard write(descriptor, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok") else { return }
            }
        case .endlessBody:
            guard readRequestHead(descriptor, pending: &pending),
                write(descriptor, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n")
            else { return }
            let chunk = String(repeating: "x", count: 64 * 1024)
            while write(descriptor, chunk) {}
        case .endlessHeaders:
            guard readRequestHead(descriptor, pending: &pending), write(descriptor, "HTTP/1.1 200 OK\r\n") else { return }
            let line = "X-Filler: " + String(repeating: "x", count: 1000) + "\r\n"
            while write(descriptor, line) {}
        case .interimThenOK:
            guard readRequestHead(descriptor, pending: &pending) else { return }
            _ = write(descriptor, "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nX-Final: yes\r\nContent-Length: 4\r\n\r\ndone")
            while readMore(descriptor, into: &pending) { pending.removeAll() }
        case .closesWithoutAnswer:
            _ = readRequestHead(descriptor, pending: &pending)
        }
    }

    /// Reads until a blank line ends a request head (these tests send no request bodies to
    /// raw servers), and drops it from `pending`. False once the peer has gone.
    private func readRequestHead(_ descriptor: Int32, pending: inout [UInt8]) -> Bool {
        let end = Array("\r\n\r\n".utf8)
        while true {
            if let range = pending.firstRange(of: end) {
                pending.removeSubrange(..<range.upperBound)
                return true
            }
            guard readMore(descriptor, into: &pending) else { return false }
        }
    }

    private func readMore(_ descriptor: Int32, into pending: inout [UInt8]) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        pending.append(contentsOf: buffer[..<count])
        return true
    }

    private func write(_ descriptor: Int32, _ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            // MSG_NOSIGNAL: a peer that left must not kill the test process with SIGPIPE.
            let sent = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return false }
            bytes = bytes.dropFirst(sent)
        }
        return true
    }
}
