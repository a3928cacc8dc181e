import Foundation

/// `Tests/faults/fault-shim.c`, compiled with `cc` for this test run and loaded into the real
/// binary with `LD_PRELOAD`: `fsync`, `fdatasync` and `rename` fail with EIO on the paths that
/// contain `path`, while the switch file exists.
struct FaultShim {
    /// The compiled library, or nil when there is no C compiler here.
    static let library: String? = {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("faults/fault-shim.c").path
        let output = NSTemporaryDirectory() + "/trobador-fault-shim-\(getpid()).so"
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compiler.arguments = ["cc", "-shared", "-fPIC", "-O2", "-o", output, source, "-ldl"]
        compiler.standardError = FileHandle.nullDevice
        guard (try? compiler.run()) != nil else { return nil }
        compiler.waitUntilExit()  // once per test run, a fraction of a second
        return compiler.terminationStatus == 0 ? output : nil
    }()

    static var isAvailable: Bool { library != nil }

    /// Where the fault is armed (the file exists) and where the shim notes each failure it caused.
    let switchPath: String
    let notesPath: String
    let environment: [String: String]

    /// - Parameters:
    ///   - operations: `fsync`, `fdatasync`, `rename`.
    ///   - path: a fragment of the paths that fail.
    ///   - directory: where the switch and the notes live.
    init(operations: [String], path: String, directory: String) throws {
        guard let library = Self.library else { throw CocoaError(.executableNotLoadable) }
        switchPath = directory + "/.fault-armed"
        notesPath = directory + "/.fault-notes"
        environment = [
            "LD_PRELOAD": library, "TROBADOR_FAULT_OPS": operations.joined(separator: ","), "TROBADOR_FAULT_PATH": path,
            "TROBADOR_FAULT_SWITCH": switchPath, "TROBADOR_FAULT_LOG": notesPath,
        ]
        arm()
    }

    func arm() { _ = FileManager.default.createFile(atPath: switchPath, contents: nil) }
    func disarm() { try? FileManager.default.removeItem(atPath: switchPath) }

    /// The failures the shim caused: `operation path` per line.
    var notes: [String] {
        ((try? String(contentsOfFile: notesPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}
