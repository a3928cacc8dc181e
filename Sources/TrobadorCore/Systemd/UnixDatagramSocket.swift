import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A Unix datagram socket that sends whole messages to one address: how a service talks to
/// systemd (`$NOTIFY_SOCKET`) and to journald (`/run/systemd/journal/socket`). Each message
/// is one `sendto(2)`, so concurrent senders never interleave.
final class UnixDatagramSocket: Sendable {
    /// The address as given: a path, or `@name` for the abstract namespace.
    let address: String
    private let descriptor: Int32
    private let socketAddress: [UInt8]

    /// Nil when the address is empty or too long, or no socket can be made; nothing is
    /// connected yet, so a missing receiver shows only when sending.
    init?(address: String) {
        guard let socketAddress = Self.encode(address) else { return nil }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        self.address = address
        self.descriptor = descriptor
        self.socketAddress = socketAddress
    }

    deinit { close(descriptor) }

    /// Sends one datagram; returns 0, or the `errno` of the failure.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Int32 {
        socketAddress.withUnsafeBytes { address in
            bytes.withUnsafeBytes { payload in
                while true {
                    let sent = sendto(
                        descriptor, payload.baseAddress, payload.count, Int32(MSG_NOSIGNAL),
                        address.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(address.count))
                    if sent >= 0 { return 0 }
                    if errno != EINTR { return errno }
                }
            }
        }
    }

    /// `sockaddr_un` bytes for `address`, cut to the length the kernel must see: an abstract
    /// name (`@name`) is a NUL then the name, with no terminating NUL, since every byte counts.
    static func encode(_ address: String) -> [UInt8]? {
        var path = Array(address.utf8)
        guard !path.isEmpty else { return nil }
        let abstract = path[0] == UInt8(ascii: "@")
        if abstract { path[0] = 0 } else { path.append(0) }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
        let capacity = MemoryLayout<sockaddr_un>.size - pathOffset
        guard path.count <= capacity, abstract || path.first != 0 else { return nil }
        var raw = [UInt8](repeating: 0, count: pathOffset + path.count)
        withUnsafeBytes(of: sa_family_t(AF_UNIX)) { family in
            for (index, byte) in family.enumerated() { raw[index] = byte }
        }
        raw.replaceSubrange(pathOffset..., with: path)
        return raw
    }
}
