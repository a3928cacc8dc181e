import Foundation
import Glibc
import Synchronization

/// Watches the inbox with inotify: a file closed after writing (`IN_CLOSE_WRITE`) or renamed
/// in (`IN_MOVED_TO`, files and post directories) is announced by name. An entry created
/// whole that is neither a file nor a directory (a symlink, a FIFO, a device) is announced
/// at `IN_CREATE`, since nothing else will ever be said of it, and it must be rejected.
/// Files and directories created in place are announced once closed or renamed, never
/// half-written. A queue overflow asks for a full rescan. The thread sleeps in `poll` with no timeout, so an idle inbox
/// costs nothing.
public final class InboxWatcher: Sendable {
    public enum Signal: Sendable, Equatable {
        case entries([String])
        /// Events were lost: look at the whole directory again.
        case overflow
    }

    public let directory: String
    private let inotifyFD: Int32
    private let stopRead: Int32
    private let stopWrite: Int32
    private let stopped = Mutex(false)

    private init(directory: String, inotifyFD: Int32, stopRead: Int32, stopWrite: Int32) {
        self.directory = directory
        self.inotifyFD = inotifyFD
        self.stopRead = stopRead
        self.stopWrite = stopWrite
    }

    /// Starts watching now: every entry that arrives from this point on is announced on the
    /// stream. Scan the directory after this returns to find what was there before; an entry
    /// seen twice is harmless, since the first reading moves it out of the inbox.
    public static func start(directory: String) throws -> (InboxWatcher, AsyncStream<Signal>) {
        let fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { throw SpoolError(path: directory, operation: "watch (inotify_init1)", code: errno) }
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_ONLYDIR)
        guard inotify_add_watch(fd, directory, mask) >= 0 else {
            let code = errno
            close(fd)
            throw SpoolError(path: directory, operation: "watch", code: code)
        }
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else {
            let code = errno
            close(fd)
            throw SpoolError(path: directory, operation: "create a pipe for", code: code)
        }
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let watcher = InboxWatcher(directory: directory, inotifyFD: fd, stopRead: pipeFDs[0], stopWrite: pipeFDs[1])
        let (stream, continuation) = AsyncStream.makeStream(of: Signal.self, bufferingPolicy: .unbounded)
        let thread = Thread { watcher.readLoop(continuation) }
        thread.name = "inbox-watcher"
        thread.start()
        return (watcher, stream)
    }

    /// Ends the stream and closes the descriptors. Safe to call more than once.
    public func stop() {
        let first = stopped.withLock { stopped -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(stopWrite, &byte, 1)
    }

    /// Neither a regular file nor a directory.
    private func isSpecial(_ name: String) -> Bool {
        var info = stat()
        guard lstat(directory + "/" + name, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type != S_IFREG && type != S_IFDIR
    }

    private func readLoop(_ continuation: AsyncStream<Signal>.Continuation) {
        defer {
            continuation.finish()
            close(inotifyFD)
            close(stopRead)
            close(stopWrite)
        }
        let bufferSize = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 8)
        defer { buffer.deallocate() }
        var fds = [pollfd(fd: inotifyFD, events: Int16(POLLIN), revents: 0), pollfd(fd: stopRead, events: Int16(POLLIN), revents: 0)]
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 { return }
            guard fds[0].revents & Int16(POLLIN) != 0 else { continue }
            let count = read(inotifyFD, buffer, bufferSize)
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return
            }
            var names: [String] = []
            var overflow = false
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let event = buffer.load(fromByteOffset: offset, as: inotify_event.self)
                let nameStart = offset + MemoryLayout<inotify_event>.size
                if event.mask & UInt32(IN_Q_OVERFLOW) != 0 { overflow = true }
                if event.len > 0 {
                    let name = String(cString: (buffer + nameStart).assumingMemoryBound(to: CChar.self))
                    if !Spool.isIgnored(name), event.mask & UInt32(IN_CREATE) == 0 || isSpecial(name) {
                        names.append(name)
                    }
                }
                offset = nameStart + Int(event.len)
            }
            if !names.isEmpty { continuation.yield(.entries(names)) }
            if overflow { continuation.yield(.overflow) }
        }
    }
}
