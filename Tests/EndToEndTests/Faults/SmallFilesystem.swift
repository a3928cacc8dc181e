import Foundation

/// A tmpfs of a few hundred kilobytes mounted on a directory, to fill up on purpose. Needs
/// the right to mount (root, or a container that allows it); tests are skipped otherwise.
struct SmallFilesystem {
    let path: String

    /// Whether this process may mount a tmpfs (tried once, on a scratch directory).
    static let isPermitted: Bool = {
        let probe = NSTemporaryDirectory() + "/trobador-mount-probe-\(getpid())"
        try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard mount("tmpfs", probe, "tmpfs", 0, "size=64k") == 0 else { return false }
        umount(probe)
        return true
    }()

    init(at path: String, kilobytes: Int) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard mount("tmpfs", path, "tmpfs", 0, "size=\(kilobytes)k,mode=0755") == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EPERM)
        }
        self.path = path
    }

    /// Writes zeros to `name` until the file system refuses: it is full.
    func fill(_ name: String = "filler") {
        let fd = open(path + "/" + name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let block = [UInt8](repeating: 0, count: 4096)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
    }

    /// Frees what `fill` took.
    func free(_ name: String = "filler") {
        unlink(path + "/" + name)
    }

    var availableBytes: Int {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return -1 }
        return Int(info.f_bavail) * Int(info.f_bsize)
    }

    func unmount() {
        umount2(path, Int32(MNT_DETACH))
    }
}
