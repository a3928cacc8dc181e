import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whether a descriptor is the stream systemd connected to journald. systemd sets
/// `JOURNAL_STREAM=DEVICE:INODE` for the service's stdout/stderr; the variable is inherited by
/// whatever the service starts, so only a descriptor that still is that very stream counts
/// (a redirection to a file or a pipe does not).
public enum JournalStream {
    public static func isConnected(_ descriptor: Int32 = 2, environment: [String: String]) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}
