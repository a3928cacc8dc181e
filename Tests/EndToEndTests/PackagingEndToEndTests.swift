import Foundation
import Testing
import TrobadorTestSupport

/// What `systemd/install.sh` lays out: the example configuration, the unit, sysusers and tmpfiles.
@Suite("Packaging files")
struct PackagingEndToEndTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let systemdAnalyze = "/usr/bin/systemd-analyze"
    static let hasSystemdTools = FileManager.default.isExecutableFile(atPath: systemdAnalyze)
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-sysusers")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-tmpfiles")

    @Test func the_example_configuration_passes_check_as_installed_and_with_every_default_uncommented() async throws {
        let directory = try TemporaryDirectory("example")
        defer { directory.remove() }
        let example = Self.repository + "/etc/trobador/trobador.toml"
        let installed = try await TrobadorBinary.run(["check", "-c", example], in: directory.path)
        #expect(installed.status == 0, "\(installed.err)")
        #expect(installed.err.isEmpty, "no warning either: \(installed.err)")

        // `#key = value` lines show defaults: uncommented, they must still pass.
        let text = try String(contentsOfFile: example, encoding: .utf8)
        let uncommented = text.replacingOccurrences(of: #"(?m)^#([a-z_]+ = )"#, with: "$1", options: .regularExpression)
        #expect(uncommented != text)
        try directory.write("trobador.toml", uncommented)
        let defaults = try await TrobadorBinary.run(["check", "-c", directory.file("trobador.toml")], in: directory.path)
        #expect(defaults.status == 0, "\(defaults.err)")
    }

    @Test(.enabled(if: hasSystemdTools, "needs systemd-analyze (apt-get install systemd)"))
    func the_unit_passes_systemd_analyze_verify_and_scores_2_or_less() throws {
        let directory = try TemporaryDirectory("unit")
        defer { directory.remove() }
        // verify checks that ExecStart exists: point it at the binary under test.
        let unit = try String(contentsOfFile: Self.repository + "/systemd/trobador.service", encoding: .utf8)
            .replacingOccurrences(of: "/usr/bin/trobador", with: TrobadorBinary.path)
        try directory.write("trobador.service", unit)

        let verify = try Self.run(Self.systemdAnalyze, ["verify", directory.file("trobador.service")])
        #expect(verify.status == 0 && verify.output.isEmpty, "\(verify.output)")

        let security = try Self.run(Self.systemdAnalyze, ["security", "--offline=true", directory.file("trobador.service")])
        let overall = try #require(security.output.split(separator: "\n").first { $0.contains("Overall exposure level") })
        let score = try #require(overall.split(separator: " ").compactMap { Double($0) }.first, "\(overall)")
        #expect(score <= 2.0, "\(overall)")
    }

    @Test(.enabled(if: hasSystemdTools, "needs systemd-sysusers and systemd-tmpfiles (apt-get install systemd)"))
    func sysusers_and_tmpfiles_make_a_spool_the_team_can_drop_posts_into() throws {
        let root = try TemporaryDirectory("sysroot")
        defer { root.remove() }
        for name in ["passwd", "group", "shadow", "gshadow"] { try root.write("etc/" + name, "") }
        let users = try Self.run("/usr/bin/systemd-sysusers", ["--root=" + root.path, Self.repository + "/systemd/trobador.sysusers"])
        #expect(users.status == 0, "\(users.output)")
        let passwd = try String(contentsOfFile: root.file("etc/passwd"), encoding: .utf8)
        let group = try String(contentsOfFile: root.file("etc/group"), encoding: .utf8)
        let postGID = try #require(group.split(separator: "\n").first { $0.hasPrefix("trobador-post:") }?.split(separator: ":")[2])
        let user = try #require(passwd.split(separator: "\n").first { $0.hasPrefix("trobador:") }?.split(separator: ":"))
        #expect(user[3] == postGID, "the daemon's primary group is the team's")
        #expect(user[6] == "/usr/sbin/nologin")

        let files = try Self.run("/usr/bin/systemd-tmpfiles", ["--root=" + root.path, "--create", Self.repository + "/systemd/trobador.tmpfiles"])
        #expect(files.status == 0, "\(files.output)")
        let expected: [(String, Int)] = [("", 0o750), ("/inbox", 0o2770), ("/control", 0o2770), ("/archive", 0o2750), ("/rejected", 0o2750)]
        for (path, mode) in expected {
            var info = stat()
            try #require(stat(root.file("var/spool/trobador" + path), &info) == 0)
            #expect(Int(info.st_mode & 0o7777) == mode, "spool\(path): \(String(info.st_mode & 0o7777, radix: 8))")
            #expect(String(info.st_gid) == postGID, "spool\(path) belongs to trobador-post")
        }
    }

    @Test func install_lays_out_the_files_and_uninstall_keeps_the_configuration_unless_purged() throws {
        let stage = try TemporaryDirectory("destdir")
        defer { stage.remove() }
        let environment = ["DESTDIR": stage.path, "TROBADOR_BINARY": TrobadorBinary.path]
        let install = try Self.run("/bin/sh", [Self.repository + "/systemd/install.sh"], environment: environment)
        try #require(install.status == 0, "\(install.output)")
        let expected: [(String, Int)] = [
            ("usr/bin/trobador", 0o755), ("usr/libexec/trobador/swift-backtrace", 0o755),
            ("usr/lib/systemd/system/trobador.service", 0o644),
            ("usr/lib/sysusers.d/trobador.conf", 0o644), ("usr/lib/tmpfiles.d/trobador.conf", 0o644),
            ("usr/share/trobador/plugins", 0o755), ("etc/trobador/trobador.toml", 0o644),
            ("etc/trobador/plugins", 0o755), ("etc/trobador/credentials", 0o700),
        ]
        for (path, mode) in expected {
            var info = stat()
            #expect(stat(stage.file(path), &info) == 0, "\(path) is installed")
            #expect(Int(info.st_mode & 0o7777) == mode, "\(path): \(String(info.st_mode & 0o7777, radix: 8))")
        }
        let check = try Self.run(stage.file("usr/bin/trobador"), ["check", "-c", stage.file("etc/trobador/trobador.toml")])
        #expect(check.status == 0, "the installed binary accepts the installed configuration: \(check.output)")

        // An edited configuration survives a second install, which leaves the new example beside it.
        try stage.write("etc/trobador/trobador.toml", "# edited\n")
        #expect(try Self.run("/bin/sh", [Self.repository + "/systemd/install.sh"], environment: environment).status == 0)
        #expect(try String(contentsOfFile: stage.file("etc/trobador/trobador.toml"), encoding: .utf8) == "# edited\n")
        #expect(FileManager.default.fileExists(atPath: stage.file("etc/trobador/trobador.toml.example")))

        try stage.write("var/spool/trobador/archive/2026-06-21/fete.md", "---\nid: fete\n---\nFête.\n")
        let uninstall = try Self.run("/bin/sh", [Self.repository + "/systemd/uninstall.sh"], environment: ["DESTDIR": stage.path])
        #expect(uninstall.status == 0, "\(uninstall.output)")
        for path in ["usr/bin/trobador", "usr/libexec/trobador", "usr/lib/systemd/system/trobador.service", "usr/share/trobador"] {
            #expect(!FileManager.default.fileExists(atPath: stage.file(path)), "\(path) is removed")
        }
        #expect(FileManager.default.fileExists(atPath: stage.file("etc/trobador/trobador.toml")))
        #expect(FileManager.default.fileExists(atPath: stage.file("var/spool/trobador/archive/2026-06-21/fete.md")), "posts stay")

        let purge = try Self.run("/bin/sh", [Self.repository + "/systemd/uninstall.sh", "--purge"], environment: ["DESTDIR": stage.path])
        #expect(purge.status == 0, "\(purge.output)")
        #expect(!FileManager.default.fileExists(atPath: stage.file("etc/trobador")))
        #expect(!FileManager.default.fileExists(atPath: stage.file("var/spool/trobador")))
    }

    /// Runs a tool; its status and its output and errors together.
    static func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
