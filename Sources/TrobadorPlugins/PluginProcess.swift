import Foundation
import Synchronization

/// Runs an executable plugin once: its own process group, the message on stdin, its answer
/// read from stdout, and at the end (answer, crash or timeout) the whole group killed, so
/// that nothing it started is left running.
///
/// posix_spawn rather than Foundation's `Process`: the child must lead a new process group
/// (to kill what it forks), start with default signal dispositions (the daemon ignores
/// SIGTERM and SIGHUP, and ignored signals survive exec), and get a clean environment (the
/// daemon's may hold `{ env = "..." }` secrets).
struct PluginProcess: Sendable {
    enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
        /// Killed at its timeout.
        case timedOut
        /// Killed because the delivery was cancelled (the daemon is stopping).
        case cancelled
        case couldNotStart(String)
    }

    struct Result: Sendable {
        var ending: Ending
        var stdout: [UInt8]
        /// The end of what it wrote on stderr.
        var stderr: [UInt8]
    }

    var executable: String
    var directory: String
    var environment: [String]
    var timeout: Duration

    static let largestAnswer = 1 << 20
    static let keptDiagnostics = 4096

    func run(input: [UInt8]) async -> Result {
        let cancelled = Flag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Blocking calls (poll, waitpid) on a thread of their own, off the cooperative pool.
                Thread.detachNewThread {
                    continuation.resume(returning: runBlocking(input: input, cancelled: cancelled))
                }
            }
        } onCancel: {
            cancelled.set()
        }
    }

    private func runBlocking(input: [UInt8], cancelled: Flag) -> Result {
        var stdinPair: [Int32] = [-1, -1]
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        // CLOEXEC everywhere: a plugin spawned at the same moment on another channel must not
        // inherit these ends, or this one's output would never reach end of file.
        // Sockets rather than pipes: created close-on-exec in one call, and writing to a program
        // that exited early is EPIPE with MSG_NOSIGNAL instead of a SIGPIPE that would kill the daemon.
        let kind = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, kind, 0, &stdinPair) == 0, socketpair(AF_UNIX, kind, 0, &outPipe) == 0,
              socketpair(AF_UNIX, kind, 0, &errPipe) == 0 else {
            return Result(ending: .couldNotStart(String(cString: strerror(errno))), stdout: [], stderr: [])
        }
        let spawned = spawn(stdin: stdinPair[1], stdout: outPipe[1], stderr: errPipe[1])
        close(stdinPair[1]); close(outPipe[1]); close(errPipe[1])
        guard case .success(let pid) = spawned else {
            close(stdinPair[0]); close(outPipe[0]); close(errPipe[0])
            if case .failure(let error) = spawned { return Result(ending: .couldNotStart(error.message), stdout: [], stderr: []) }
            return Result(ending: .couldNotStart("unknown"), stdout: [], stderr: [])
        }
        var io = ProcessIO(stdin: stdinPair[0], stdout: outPipe[0], stderr: errPipe[0], input: input)
        let deadline = ContinuousClock.now + timeout
        var ending: Ending?
        while ending == nil {
            if hasExited(pid) {
                ending = .exited(0)  // replaced by the real status once reaped
            } else if ContinuousClock.now >= deadline {
                ending = .timedOut
            } else if cancelled.isSet {
                ending = .cancelled
            } else {
                io.pump(waitingAtMost: min(deadline - ContinuousClock.now, .milliseconds(50)))
            }
        }
        // The leader is still unreaped (a zombie at worst), so its process group id cannot
        // have been reused: killing the group reaches only what the plugin started.
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        if ending == .exited(0) {
            ending = status & 0x7F == 0 ? .exited((status >> 8) & 0xFF) : .signaled(status & 0x7F)
        }
        io.drain()
        return Result(ending: ending!, stdout: io.output, stderr: io.diagnostics)
    }

    private struct SpawnError: Error { var message: String }

    private func spawn(stdin: Int32, stdout: Int32, stderr: Int32) -> Swift.Result<pid_t, SpawnError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        guard let addChdir = Self.addChdir else {
            return .failure(SpawnError(message: "this C library lacks posix_spawn_file_actions_addchdir_np (glibc 2.29 or later is needed)"))
        }
        _ = addChdir(&actions, directory)
        // Only stdin, stdout and stderr reach the program: no descriptor the daemon happens to
        // have open without close-on-exec (the state database, a spool file being written).
        if let addCloseFrom = Self.addCloseFrom { _ = addCloseFrom(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(executable), nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        var code = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        // "Text file busy": the program is being written (an update copied in) or another
        // process forked while holding it open for writing; it passes within moments.
        for _ in 0..<10 where code == ETXTBSY {
            usleep(20_000)
            code = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        }
        guard code == 0 else { return .failure(SpawnError(message: String(cString: strerror(code)))) }
        return .success(pid)
    }

    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29 and later), which Swift's Glibc
    /// module does not declare: looked up once, so the program starts in its plugin folder.
    private static let addChdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map {
        unsafeBitCast($0, to: AddChdir.self)
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later); with an older
    /// one, only descriptors opened close-on-exec stay out of the program.
    private static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: AddCloseFrom.self)
    }

    /// Whether the child has ended, without reaping it (WNOWAIT), so its group stays ours.
    private func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        let found = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        return found == 0 && info.si_signo == SIGCHLD
    }

    /// Set once from the cancellation handler, read by the thread that runs the process.
    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }
}
