import Foundation

/// `Tests/faults/fault-shim.c`, compiled with `cc` for this test run and loaded into the real
/// binary with `LD_PRELOAD`: `fsync`, `fdatasync` and `rename` fail with EIO on the paths that
/// contain `path`, while the switch file exists.
struct FaultShim {
    /// The compiled library, or nil when there is no C compiler here. Named after its source's
    /// contents, so that test runs share one file rather than each leaving its own behind.
    static let library: String? = {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("faults/fault-shim.c").path
        guard let text = FileManager.default.contents(atPath: source) else { return nil }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: a name, not a defence
        for byte in text { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let output = NSTemporaryDirectory() + "/trobador-fault-shim-\(String(hash, radix: 16)).so"
        if FileManager.default.isReadableFile(atPath: output) { return output }
        // Compiled under a name of its own, then renamed: a test run beside this one never
        // loads half a library.
        let partial = output + ".\(getpid()).part"
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compiler.arguments = ["cc", "-shared", "-fPIC", "-O2", "-o", partial, source, "-ldl"]
        compiler.standardError = FileHandle.nullDevice
        guard (try? compiler.run()) != nil else { return nil }
        compiler.waitUntilExit()  // once per version of the source, a fraction of a second
        guard compiler.terminationStatus == 0, rename(partial, output) == 0 else {
            try? FileManager.default.removeItem(atPath: partial)
            return nil
        }
        return output
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
