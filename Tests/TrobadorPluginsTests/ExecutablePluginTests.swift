import CurlHTTP
import Foundation
import Testing
import TrobadorCore
@testable import TrobadorPlugins

/// Whether a process is still running (a zombie waiting for its reaper is not).
func isRunning(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
    let state = stat.split(separator: ")").last?.split(separator: " ").first
    return state != "Z" && state != "X"
}

@Suite("Executable plugins: answers, crashes, hangs, garbage", .serialized)
struct ExecutablePluginTests {
    let post = Post(id: "fete", title: "Fête", body: "Le 21 juin 🎶", tags: ["culture"])

    /// An executable plugin whose program is `script` (POSIX sh), with one secret setting.
    private func adapter(_ script: String, timeout: String = "5s") throws -> (any ChannelAdapter, PluginFolder, String) {
        let folder = try PluginFolder()
        let directory = try folder.plugin("scripted", [
            "plugin.toml": """
                summary = "a scripted network"
                exec = "./send"
                timeout = "\(timeout)"

                [settings.token]
                kind = "string"
                required = true
                secret = true
                help = "the token"

                [capabilities]
                edit = true
                """,
            "send": "#!/bin/sh\n" + script,
        ], executable: ["send"])
        let (manifest, _) = try folder.read("scripted").get()
        let channel = ChannelConfig(name: "scripted-chan", type: "scripted", settings: ["token": .secret(Secret("s3cr3t-T0KEN", origin: "literal"))])
        let adapter = try PluginChannelType(manifest).makeAdapter(for: channel, context: ChannelContext(http: CurlHTTPClient(), spoolDirectory: "/tmp"))
        return (adapter, folder, directory)
    }

    @Test func the_program_reads_the_message_and_secrets_on_stdin_only_and_its_answer_is_the_outcome() async throws {
        let (adapter, folder, directory) = try adapter("""
            ls /proc/self/fd > fds.txt
            cat > stdin.json
            env > env.txt
            echo "$0 $*" > argv.txt
            pwd > cwd.txt
            echo "some log line"
            echo '{"status": "delivered", "remote_id": 42, "url": "https://example.org/m/42"}'
            """)
        defer { folder.remove() }
        let outcome = await adapter.deliver(message(post, channel: "scripted-chan"))
        #expect(outcome == .delivered(Receipt(remoteID: "42", url: "https://example.org/m/42")))
        let input = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/stdin.json"))) as? [String: Any])
        #expect(input["action"] as? String == "publish")
        #expect(input["id"] as? String == "fete")
        #expect((input["text"] as? String)?.contains("Le 21 juin 🎶") == true)
        #expect((input["settings"] as? [String: String])?["token"] == "s3cr3t-T0KEN")
        let environment = try String(contentsOfFile: directory + "/env.txt", encoding: .utf8)
        let arguments = try String(contentsOfFile: directory + "/argv.txt", encoding: .utf8)
        #expect(!environment.contains("s3cr3t") && !arguments.contains("s3cr3t"))
        #expect(environment.contains("TROBADOR_CHANNEL=scripted-chan"))
        let descriptors = try String(contentsOfFile: directory + "/fds.txt", encoding: .utf8)
            .split(whereSeparator: \.isWhitespace).map { String($0.split(separator: "/").last ?? "") }.sorted()
        // 3 is ls's own, reading the directory: nothing of the test process reaches the program.
        #expect(descriptors == ["0", "1", "2", "3"], "only the standard streams reach the program")
        #expect(try String(contentsOfFile: directory + "/cwd.txt", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == (directory as NSString).standardizingPath)
    }

    @Test func a_retry_answer_is_retried_after_the_programs_delay_and_an_edit_keeps_the_first_id() async throws {
        let (adapter, folder, _) = try adapter("""
            read -r line
            case "$line" in
              *'"action":"update"'*) echo '{"status":"delivered"}' ;;
              *) echo '{"status":"retry","after":7,"reason":"the service is busy"}' ;;
            esac
            """)
        defer { folder.remove() }
        let busy = await adapter.deliver(message(post))
        #expect(busy == .retry(after: .seconds(7), reason: "the plugin program send: the service is busy", httpStatus: nil), "\(busy)")
        let previous = Receipt(remoteID: "r1", url: "https://example.org/r1")
        let edited = await adapter.deliver(message(post, action: .update, version: 2, previous: previous))
        #expect(edited == .delivered(Receipt(remoteID: "r1", url: "https://example.org/r1")), "\(edited)")
        #expect(await adapter.deliver(message(post, action: .retract, version: 3, previous: previous))
            == .failed(reason: "the scripted plugin cannot delete a published message (its capabilities say delete = false); do it by hand", httpStatus: nil))
    }

    @Test func a_crash_is_retried_with_the_signal_and_what_it_said() async throws {
        let (adapter, folder, _) = try adapter("echo 'about to fall over' >&2\nkill -SEGV $$\n")
        defer { folder.remove() }
        #expect(await adapter.deliver(message(post)) == .retry(
            after: nil, reason: "the plugin program send was killed by signal 11 (SIGSEGV, a crash) before answering; it said on stderr: about to fall over",
            httpStatus: nil))
    }

    @Test func a_non_zero_exit_without_an_answer_is_retried() async throws {
        let (adapter, folder, _) = try adapter("echo 'connection refused' >&2\nexit 3\n")
        defer { folder.remove() }
        #expect(await adapter.deliver(message(post)) == .retry(
            after: nil, reason: "the plugin program send exited with status 3 without an answer; it said on stderr: connection refused", httpStatus: nil))
    }

    @Test func garbage_or_silence_fails_with_what_was_printed() async throws {
        let (garbage, folder, _) = try adapter("echo 'OK sent!'\n")
        defer { folder.remove() }
        #expect(await garbage.deliver(message(post)) == .failed(
            reason: "the plugin program send answered something that is not one JSON object with a status: OK sent!", httpStatus: nil))
        let (silent, other, _) = try adapter("cat > /dev/null\n")
        defer { other.remove() }
        #expect(await silent.deliver(message(post)) == .failed(
            reason: "the plugin program send exited without answering: it must print one JSON object such as {\"status\":\"delivered\"}", httpStatus: nil))
    }

    @Test func a_hanging_program_and_the_child_it_forked_are_killed_at_the_timeout() async throws {
        let (adapter, folder, directory) = try adapter("""
            sleep 300 &
            echo $! > child.pid
            echo $$ > self.pid
            sleep 300
            """, timeout: "1s")
        defer { folder.remove() }
        let started = ContinuousClock.now
        let outcome = await adapter.deliver(message(post))
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(outcome == .retry(after: nil, reason: "the plugin program send gave no answer within 1s and was killed with everything it started", httpStatus: nil))
        let child = try #require(Int32(String(contentsOfFile: directory + "/child.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        let leader = try #require(Int32(String(contentsOfFile: directory + "/self.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        try await Task.sleep(for: .milliseconds(200))
        #expect(!isRunning(child), "the forked child is gone")
        #expect(!isRunning(leader))
    }

    @Test func a_program_that_answers_and_leaves_a_child_behind_leaves_nothing_running() async throws {
        let (adapter, folder, directory) = try adapter("""
            sleep 300 > /dev/null 2>&1 &
            echo $! > child.pid
            echo '{"status":"delivered","remote_id":"x"}'
            """)
        defer { folder.remove() }
        #expect(await adapter.deliver(message(post)) == .delivered(Receipt(remoteID: "x")))
        let child = try #require(Int32(String(contentsOfFile: directory + "/child.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        try await Task.sleep(for: .milliseconds(200))
        #expect(!isRunning(child))
    }

    @Test func a_program_that_never_reads_a_large_input_still_answers() async throws {
        let big = Post(id: "big", body: String(repeating: "Une phrase assez longue pour remplir le tampon. ", count: 8000))
        let (adapter, folder, _) = try adapter("echo '{\"status\":\"delivered\"}'\n")
        defer { folder.remove() }
        #expect(await adapter.deliver(message(big)) == .delivered(Receipt()))
    }
}
