import Foundation
import Testing
import TrobadorTestSupport

@Suite("kill -9 in a loop", .serialized)
struct CrashLoopEndToEndTests {
    /// 1,000 posts to three channels (a signed webhook with its idempotency key, a Discord
    /// and a Slack webhook without one), the daemon killed with SIGKILL 20 times at random
    /// moments and restarted each time.
    @Test func twenty_kills_during_a_thousand_posts_lose_nothing_and_duplicate_only_uncertain_attempts() async throws {
        let fixture = try EndToEndFixture("crash-loop")
        defer { fixture.remove() }
        let webhook = try await LoopbackReceiver()
        let counter = Locked(0)
        // Answers as Discord's execute-webhook with ?wait=true does: the created message.
        let discord = try await LoopbackReceiver { _, _ in
            let id = counter.withLock { $0 += 1; return 1_180_000_000_000_000_000 + $0 }
            return .init(body: #"{"id":"\#(id)","channel_id":"1100000000000000000","type":0,"content":"…"}"#)
        }
        // Answers as a Slack incoming webhook does.
        let slack = try await LoopbackReceiver { _, _ in .init(headers: ["Content-Type": "text/html"], body: "ok") }
        try fixture.directory.write("trobador.toml", """
            [spool]
            dir = "spool"

            [delivery]
            defaults = ["hook", "discord", "slack"]
            first_retry = "1s"
            on_uncertain = "retry"

            [[channel]]
            name = "hook"
            type = "webhook"
            url = "\(webhook.url)/hook"

            [[channel]]
            name = "discord"
            type = "discord"
            url = "\(discord.url)/api/webhooks/1/token"
            rate = "1000/1s"
            concurrency = 4

            [[channel]]
            name = "slack"
            type = "slack"
            url = "\(slack.url)/services/T/B/X"
            rate = "1000/1s"
            concurrency = 4
            """)
        try FileManager.default.createDirectory(atPath: fixture.inbox, withIntermediateDirectories: true)
        let total = 1000
        for number in 0..<total {
            try fixture.dropRenamed("c\(number).md", EndToEndFixture.post(id: "c\(number)", number: number))
        }

        var random = SeededRandom(seed: 2026)
        var logs: [String] = []
        for kill in 0..<20 {
            let daemon = try TrobadorDaemon(in: fixture.root, logName: "daemon-\(kill).log")
            try await Task.sleep(for: .milliseconds(Int64(150 + random.next() % 450)))
            daemon.signal(SIGKILL)
            _ = await daemon.waitForExit()
            logs.append(daemon.log)
        }
        let last = try TrobadorDaemon(in: fixture.root, logName: "daemon-last.log")
        defer { Task { await last.killNow() } }
        let all = Set((0..<total).map { "c\($0)" })
        #expect(await webhook.wait(timeout: .seconds(120)) { Set($0.compactMap(\.postID)) == all })
        #expect(await discord.wait(timeout: .seconds(60)) { Set($0.compactMap(\.mentionedPost)) == all })
        #expect(await slack.wait(timeout: .seconds(60)) { Set($0.compactMap(\.mentionedPost)) == all })
        #expect(await eventually(timeout: .seconds(30)) {
            (try? await fixture.trobador(["status", "--json"]).out).map { SpineEndToEndTests.count($0, state: "delivered") == 3 * total } ?? false
        })
        logs.append(last.log)
        #expect(fixture.inboxEntries().isEmpty)
        #expect(fixture.archivedFiles().count == total)

        // The idempotent channel: any post seen twice came with the same webhook-id.
        var keys: [String: Set<String>] = [:]
        for request in webhook.requests {
            keys[request.postID ?? "", default: []].insert(request.header("webhook-id") ?? "")
        }
        #expect(keys.values.allSatisfy { $0.count == 1 })

        // The others: a post seen twice was an attempt the log called uncertain.
        var uncertain: Set<String> = []
        for line in logs.joined(separator: "\n").split(separator: "\n") where line.contains("event=uncertain") {
            let fields = line.split(separator: " ")
            let post = fields.first { $0.hasPrefix("post=") }?.dropFirst(5) ?? ""
            let channel = fields.first { $0.hasPrefix("channel=") }?.dropFirst(8) ?? ""
            uncertain.insert("\(post)@\(channel)")
        }
        for (receiver, channel) in [(discord, "discord"), (slack, "slack")] {
            var seen: [String: Int] = [:]
            for request in receiver.requests { seen[request.mentionedPost ?? "", default: 0] += 1 }
            let twice = seen.filter { $0.value > 1 }.map(\.key)
            for post in twice {
                #expect(uncertain.contains("\(post)@\(channel)"), "\(post) reached \(channel) twice without being recorded uncertain")
            }
        }
        print("crash loop: \(webhook.count) webhook, \(discord.count) discord, \(slack.count) slack requests for \(total) posts; \(uncertain.count) uncertain attempts")
        await last.killNow()
        await webhook.stop()
        await discord.stop()
        await slack.stop()
    }
}

/// xorshift64*: the same kill moments on every run.
struct SeededRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E3779B97F4A7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2685821657736338717
    }
}

extension LoopbackReceiver.Received {
    /// The post a Discord or Slack message is about: its link names it.
    var mentionedPost: String? {
        guard let json, let text = (json["content"] ?? json["text"]) as? String,
              let range = text.range(of: "example.org/agenda/") else { return nil }
        return String(text[range.upperBound...].prefix { !$0.isWhitespace && $0 != ")" && $0 != ">" })
    }
}
