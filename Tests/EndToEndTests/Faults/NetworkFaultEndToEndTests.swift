import Foundation
import Testing
import TrobadorTestSupport

/// Receivers that misbehave on loopback, against the real binary, its libcurl client and a
/// webhook channel: every attempt ends within the channel's timeout, each is retried with a
/// reason that says what happened, and a huge answer does not grow the daemon's memory.
@Suite("Network faults on the real binary", .serialized)
struct NetworkFaultEndToEndTests {
    /// A self-signed certificate for 127.0.0.1 and `openssl s_server` presenting it.
    final class SelfSignedServer {
        let port: UInt16
        private let process: Process

        init(directory: String) throws {
            let openssl = Process()
            openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            openssl.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                 "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem", "-days", "2",
                                 "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
            openssl.standardOutput = FileHandle.nullDevice
            openssl.standardError = FileHandle.nullDevice
            try openssl.run()
            openssl.waitUntilExit()  // a key and a certificate: a fraction of a second
            let port = try SilentServer.closedPort()
            process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", directory + "/cert.pem", "-key", directory + "/key.pem", "-www", "-quiet"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            self.port = port
        }

        func stop() { kill(process.processIdentifier, SIGKILL) }
    }

    static func memory(_ pid: Int32, _ key: String) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(key + ":") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs the openssl command"))
    func a_dripping_a_resetting_a_self_signed_and_a_fifty_megabyte_receiver_each_end_in_time_with_a_retry_and_its_reason() async throws {
        let fixture = try EndToEndFixture("network")
        defer { fixture.remove() }
        let drip = try MisbehavingServer(.dripsOneBytePerSecond)
        let reset = try MisbehavingServer(.resetsMidResponse)
        let huge = try MisbehavingServer(.hugeBody(status: 503, bytes: 50 * 1024 * 1024))
        // A success with a 50 MB body: the request was taken, so it is delivered, not sent again.
        let hugeSuccess = try MisbehavingServer(.hugeBody(status: 200, bytes: 50 * 1024 * 1024))
        let tls = try SelfSignedServer(directory: fixture.root)
        defer { drip.stop(); reset.stop(); huge.stop(); hugeSuccess.stop(); tls.stop() }
        try fixture.writeConfiguration(
            webhooks: [("goutte", drip.url + "/hook"), ("coupure", reset.url + "/hook"), ("enorme", huge.url + "/hook"), ("enorme-ok", hugeSuccess.url + "/hook"),
                       ("autosigne", "https://127.0.0.1:\(tls.port)/hook")],
            extra: "max_attempts = 2")
        let text = try String(contentsOfFile: fixture.configPath, encoding: .utf8)
            .replacingOccurrences(of: "type = \"webhook\"\n", with: "type = \"webhook\"\ntimeout = \"3s\"\n")
        try fixture.directory.write("trobador.toml", text)
        let daemon = try TrobadorDaemon(in: fixture.root)
        defer { Task { await daemon.killNow() } }
        #expect(await daemon.waitUntilReady())
        let baseline = Self.memory(daemon.pid, "VmRSS")

        try fixture.dropRenamed("reseau.md", EndToEndFixture.post(id: "reseau"))
        let channels = ["goutte", "coupure", "enorme", "autosigne"]
        #expect(await daemon.waitForLog(timeout: .seconds(60)) { log in
            channels.allSatisfy { log.contains("event=failed post=reseau channel=\($0) attempt=2") }
                && log.contains("event=delivered post=reseau channel=enorme-ok attempt=1 http=200")
        }, "\(daemon.log)")
        #expect(!daemon.log.contains("channel=enorme-ok attempt=2"), "a request the server took is not sent again")
        let reasons: [String: [String]] = [
            "goutte": ["timed out"], "coupure": ["reset", "Recv failure"], "enorme": ["larger than", "limit"],
            "autosigne": ["certificate"],
        ]
        for channel in channels {
            let retrying = try #require(daemon.lines(event: "retrying").first { $0.contains("channel=\(channel) ") }, "\(channel) retried")
            #expect(reasons[channel]!.contains { retrying.contains($0) }, "\(channel): \(retrying)")
            // Every attempt ended within the 3 s timeout, give or take a loaded machine.
            let milliseconds = retrying.split(separator: " ").first { $0.hasPrefix("ms=") }.flatMap { Int($0.dropFirst(3)) } ?? .max
            #expect(milliseconds < 6000, "\(channel): \(retrying)")
        }
        // 50 MB were offered; the client stops at its 4 MB cap.
        let peak = Self.memory(daemon.pid, "VmHWM")
        #expect(peak - baseline < 40 * 1024 * 1024, "memory grew from \(baseline) to a peak of \(peak) bytes")
        #expect(daemon.isRunning)
    }
}
