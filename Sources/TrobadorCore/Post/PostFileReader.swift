#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Looks at inbox entries without following links and reads regular files with a size
/// limit, so that a symlink, a FIFO, a device or a huge file is refused without being
/// opened, blocked on, or read into memory.
enum PostFileReader {
    /// What `lstat` says a path is.
    enum Kind: Equatable {
        case regular(size: Int)
        case directory
        case symlink
        case fifo
        case socket
        case device
        case other

        /// The kind in a message: "a symbolic link", "a FIFO (named pipe)"...
        var description: String {
            switch self {
            case .regular: "a file"
            case .directory: "a folder"
            case .symlink: "a symbolic link"
            case .fifo: "a FIFO (named pipe)"
            case .socket: "a socket"
            case .device: "a device"
            case .other: "not a regular file"
            }
        }
    }

    enum Failure: Error, Equatable {
        case missing
        /// Not a regular file (a link, a FIFO...); it was not opened, or opened without blocking and closed.
        case notRegular(Kind)
        /// Larger than the limit; at most `limit + 1` bytes were read.
        case tooLarge(size: Int)
        case unreadable(String)
    }

    /// The kind of `path` itself (a link is not followed); nil when nothing is there.
    static func kind(at path: String) -> Kind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return kind(of: info)
    }

    /// The kind an `lstat` of the entry said.
    static func kind(of info: stat) -> Kind {
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular(size: Int(info.st_size))
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        case S_IFIFO: return .fifo
        case S_IFSOCK: return .socket
        case S_IFCHR, S_IFBLK: return .device
        default: return .other
        }
    }

    /// The bytes of the regular file at `path`, refused when larger than `limit`. `known`: what
    /// an `lstat` the caller has just made said of it, so as not to ask again (what is opened is
    /// checked again by `fstat` either way).
    static func read(_ path: String, limit: Int, known: Kind? = nil) -> Result<[UInt8], Failure> {
        switch known ?? kind(at: path) {
        case nil: return .failure(.missing)
        case .regular(let size) where size > limit: return .failure(.tooLarge(size: size))
        case .regular: break
        case let other?: return .failure(.notRegular(other))
        }
        // The entry may change between lstat and open: O_NOFOLLOW refuses a link put there,
        // O_NONBLOCK keeps a FIFO from blocking, and fstat checks what was really opened.
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            let error = errno
            if error == ELOOP { return .failure(.notRegular(.symlink)) }
            if error == ENOENT { return .failure(.missing) }
            return .failure(.unreadable(String(cString: strerror(error))))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(.unreadable(String(cString: strerror(errno)))) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .failure(.notRegular(.other)) }
        guard Int(info.st_size) <= limit else { return .failure(.tooLarge(size: Int(info.st_size))) }

        // Read straight into the array, one byte larger than fstat said so that a file that grew
        // meanwhile fills it: no zeroed buffer to copy from (every post and image comes through here).
        var bytes: [UInt8] = []
        var capacity = Int(info.st_size) + 1
        while true {
            var failure: Int32 = 0
            var atEnd = false
            let previous = bytes
            bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                initialized = buffer.initialize(fromContentsOf: previous)
                while initialized < buffer.count {
                    let count = readSome(descriptor, UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[initialized...])))
                    if count < 0 && errno == EINTR { continue }
                    if count < 0 { failure = errno; return }
                    if count == 0 { atEnd = true; return }
                    initialized += count
                }
            }
            if failure != 0 { return .failure(.unreadable(String(cString: strerror(failure)))) }
            if atEnd { return .success(bytes) }
            // The file grew after fstat: read on, but stop as soon as it passes the limit.
            if bytes.count > limit { return .failure(.tooLarge(size: bytes.count)) }
            capacity = min(capacity * 2, limit + 1)
        }
    }

    /// A size for people: "10.0 MB", "512 KB", "300 bytes" (1 MB = 1024 × 1024 bytes).
    static func sizeText(_ size: Int) -> String {
        if size >= 1 << 20 {
            let tenths = (size * 10 + (1 << 19)) >> 20
            return "\(tenths / 10).\(tenths % 10) MB"
        }
        if size >= 1 << 10 { return "\((size + 512) >> 10) KB" }
        return "\(size) bytes"
    }
}

/// `read(2)`, outside `PostFileReader` whose own `read` would shadow it.
private func readSome(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(descriptor, buffer.baseAddress, buffer.count)
}
