#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a small regular text file (a configuration, a secret) with its permission bits taken
/// from the same open file, so the mode checked is the mode of the bytes read.
enum SmallFile {
    struct Contents: Sendable {
        var text: String
        /// Permission bits (`0o644`).
        var mode: UInt32

        /// Whether a user other than the owner may read it (group or others have `r`).
        var isReadableByOthers: Bool { mode & 0o044 != 0 }
    }

    /// Why it could not be read, in the system's words (`No such file or directory`).
    struct Failure: Error, Sendable {
        var reason: String
    }

    static func read(_ path: String, limit: Int) throws(Failure) -> Contents {
        // O_NONBLOCK keeps a FIFO from blocking the open; fstat below refuses it anyway.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw Failure(reason: systemError()) }
        defer { close(descriptor) }

        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Failure(reason: systemError()) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw Failure(reason: "not a regular file") }
        guard info.st_size <= limit else { throw Failure(reason: "larger than \(limit) bytes") }

        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { readBytes(descriptor, $0) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(reason: systemError())
            }
            bytes += buffer[0..<count]
            guard bytes.count <= limit else { throw Failure(reason: "larger than \(limit) bytes") }
        }
        // The parsers read C strings: text after a NUL would vanish and the error point elsewhere.
        if let nul = bytes.firstIndex(of: 0) {
            let line = bytes[..<nul].count(where: { $0 == UInt8(ascii: "\n") }) + 1
            throw Failure(reason: "not a text file: it contains a NUL byte (line \(line))")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Failure(reason: "not valid UTF-8 text")
        }
        return Contents(text: text, mode: UInt32(info.st_mode) & 0o777)
    }

    private static func systemError() -> String {
        String(cString: strerror(errno))
    }
}

/// `read(2)` under another name: inside `SmallFile`, `read` means `SmallFile.read`.
private func readBytes(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(descriptor, buffer.baseAddress, buffer.count)
}
