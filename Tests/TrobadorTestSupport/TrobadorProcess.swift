import Foundation
import Synchronization

/// The real `trobador` binary, as built next to the test bundle.
public enum TrobadorBinary {
    public static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["TROBADOR_BIN"] { return explicit }
        // The test bundle runs from the build products directory, where `trobador` is too.
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [products, products.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("trobador").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/trobador").path
    }

    /// Runs a command to completion: exit status, standard output, standard error.
    /// `environment` is added to the test's own.
    public static func run(
        _ arguments: [String], in directory: String, environment: [String: String] = [:]
    ) async throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = directory + "/.cmd-out-\(UUID().uuidString)"
        let err = directory + "/.cmd-err-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: out)
            try? FileManager.default.removeItem(atPath: err)
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try process.run()
        await process.exited()
        return (
            process.terminationStatus,
            (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        )
    }
}

/// `trobador run` in the background, its log lines captured in a file.
public final class TrobadorDaemon: Sendable {
    public let directory: String
    public let logPath: String
    private let process: Process

    /// Starts `trobador run` in `directory` with `arguments` after `run`, and `environment`
    /// added to the test's own. The log file is created unless it exists (a test may need
    /// its inode beforehand). `launcher` runs the binary through another program, such as
    /// `setpriv` to run it as another user.
    public init(
        in directory: String, arguments: [String] = [], logName: String = "daemon.log", environment: [String: String] = [:],
        launcher: [String] = []
    ) throws {
        self.directory = directory
        logPath = directory + "/" + logName
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        handle.seekToEndOfFile()
        let process = Process()
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [TrobadorBinary.path, "run"] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: TrobadorBinary.path)
            process.arguments = ["run"] + arguments
        }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        self.process = process
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The log lines with `event=NAME`.
    public func lines(event: String) -> [String] {
        log.split(separator: "\n").map(String.init).filter { $0.contains(" event=\(event) ") || $0.hasSuffix(" event=\(event)") }
    }

    /// Waits until `condition` holds for the log, or `timeout` passes.
    @discardableResult
    public func waitForLog(timeout: Duration = .seconds(30), until condition: (String) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(log) { return true }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return condition(log)
    }

    public func waitUntilReady(timeout: Duration = .seconds(30)) async -> Bool {
        await waitForLog(timeout: timeout) { $0.contains("event=ready") }
    }

    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the process to end; nil if it is still running after `timeout`.
    public func waitForExit(timeout: Duration = .seconds(15)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// SIGKILL and reap, for cleanup.
    public func killNow() async {
        if process.isRunning {
            signal(SIGKILL)
            _ = await waitForExit(timeout: .seconds(5))
        }
    }
}

extension Process {
    /// Waits for the process to end without holding one of the few threads that every
    /// task in the test process shares (`waitUntilExit` would block one).
    public func exited() async {
        while isRunning {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// Waits until `condition` holds, or `timeout` passes; for conditions that must await.
public func eventually(timeout: Duration = .seconds(30), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return await condition()
}
