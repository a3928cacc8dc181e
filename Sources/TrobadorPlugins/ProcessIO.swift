import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The three standard streams of a running plugin, from the daemon's side: the input written
/// as the program reads it, its output and diagnostics read as they come, all without
/// blocking, so that a program that never reads, or writes forever, cannot stall a delivery.
struct ProcessIO {
    private var stdin: Int32
    private let stdout: Int32
    private let stderr: Int32
    private let input: [UInt8]
    private var written = 0
    private(set) var output: [UInt8] = []
    private(set) var diagnostics: [UInt8] = []
    private var stdoutOpen = true
    private var stderrOpen = true

    init(stdin: Int32, stdout: Int32, stderr: Int32, input: [UInt8]) {
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.input = input
        for fd in [stdin, stdout, stderr] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        if input.isEmpty { closeInput() }
    }

    /// Waits for the streams to be ready (at most `wait`), then moves what it can.
    mutating func pump(waitingAtMost wait: Duration) {
        var fds: [pollfd] = []
        if stdoutOpen { fds.append(pollfd(fd: stdout, events: Int16(POLLIN), revents: 0)) }
        if stderrOpen { fds.append(pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)) }
        if stdin >= 0 { fds.append(pollfd(fd: stdin, events: Int16(POLLOUT), revents: 0)) }
        let milliseconds = Int32(max(1, wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000))
        if fds.isEmpty {
            usleep(UInt32(milliseconds) * 1000)
            return
        }
        _ = poll(&fds, nfds_t(fds.count), milliseconds)
        readAvailable()
        writeAvailable()
    }

    /// After the process group is gone: whatever is left in the pipes.
    mutating func drain() {
        closeInput()
        let deadline = ContinuousClock.now + .milliseconds(200)
        while (stdoutOpen || stderrOpen) && ContinuousClock.now < deadline {
            var fds = [pollfd(fd: stdout, events: Int16(POLLIN), revents: 0), pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 2, 20)
            readAvailable()
        }
        close(stdout)
        close(stderr)
    }

    private mutating func readAvailable() {
        if stdoutOpen { stdoutOpen = readPipe(stdout, into: &output, keepingLast: false, limit: PluginProcess.largestAnswer) }
        if stderrOpen { stderrOpen = readPipe(stderr, into: &diagnostics, keepingLast: true, limit: PluginProcess.keptDiagnostics) }
    }

    /// Reads until the pipe is empty; false at end of file.
    private func readPipe(_ fd: Int32, into buffer: inout [UInt8], keepingLast: Bool, limit: Int) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = Glibc.read(fd, &chunk, chunk.count)
            if count > 0 {
                if keepingLast {
                    buffer += chunk[0..<count]
                    if buffer.count > limit { buffer.removeFirst(buffer.count - limit) }
                } else if buffer.count < limit {
                    buffer += chunk[0..<min(count, limit - buffer.count)]
                }
                continue
            }
            if count == 0 { return false }
            return errno == EAGAIN || errno == EINTR
        }
    }

    private mutating func writeAvailable() {
        guard stdin >= 0 else { return }
        while written < input.count {
            let count = input[written...].withUnsafeBytes { send(stdin, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count > 0 { written += count; continue }
            if count < 0, errno == EAGAIN || errno == EINTR { return }
            break  // EPIPE: the program stopped reading; its answer will say why.
        }
        closeInput()
    }

    private mutating func closeInput() {
        guard stdin >= 0 else { return }
        // End of file for the program's reader.
        shutdown(stdin, Int32(SHUT_WR))
        close(stdin)
        stdin = -1
    }
}
