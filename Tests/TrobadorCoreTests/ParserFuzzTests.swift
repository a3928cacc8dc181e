import Foundation
import Testing
import TrobadorChannels
import TrobadorTestSupport
@testable import TrobadorCore

/// Seeded mutation fuzzing of the post parser and the configuration parser: realistic files
/// with bytes flipped, dropped, doubled, and hostile tokens spliced in (YAML anchors and tags,
/// brackets, NUL, invalid UTF-8, byte order marks, joiners...). Every input must come back as
/// a post or as problems that point inside the file, never a crash or a hang. CI runs a few
/// hundred inputs per seed; `Tests/faults/run` sets `TROBADOR_FUZZ_SECONDS` to run on with
/// fresh seeds. A failure names its seed and input number, so it replays.
@Suite struct ParserFuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    /// Inputs per test in CI.
    static let inputs = Int(environment["TROBADOR_FUZZ_INPUTS"] ?? "") ?? 300
    /// When set, each test goes on with new seeds for this long.
    static let seconds = Double(environment["TROBADOR_FUZZ_SECONDS"] ?? "") ?? 0
    /// Mixed into every test's own seed: 0 in CI, the time in `Tests/faults/run`, which prints it to replay.
    static let runSeed = UInt64(environment["TROBADOR_FUZZ_SEED"] ?? "") ?? 0

    static let tokens: [[UInt8]] = [
        "---\n", ": ", "- ", "[", "]", "{", "}", "&a ", "*a", "<<: *a\n", "!!binary ", "!!python/object/apply:os.system ",
        "!!str ", "? ", "|\n", ">-\n", "\"", "'", "#", "\n", "\t", "\r\n", "%YAML 1.1\n", "~", "null", "1e999", "0x1F",
        "2026-13-45T25:61:00Z", "https://", "#Fête", "\u{FEFF}", "e\u{301}", "👩🏽‍💻", "\u{202E}", "\\u0000", "{\"a\":", "\\",
        "id: ../../etc\n", "media:\n  - file: ../../etc/passwd\n", "action: retract\n", "channels: [", "[[channel]]\n", "=", ".",
        "type = \"webhook\"\n", "url = { env = \"X\" }\n", "\"\"\"", "'''", "inf", "nan", "+", "9999999999999999999999",
    ].map { Array($0.utf8) } + [[0], [0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF]]

    /// One mutation of `bytes`.
    static func mutate(_ bytes: inout [UInt8], _ random: inout XorShift) {
        let at = bytes.isEmpty ? 0 : random.next(below: bytes.count + 1)
        switch random.next(below: 6) {
        case 0 where !bytes.isEmpty:
            bytes[min(at, bytes.count - 1)] ^= UInt8(1 << random.next(below: 8))
        case 1:
            bytes.insert(contentsOf: random.pick(tokens), at: at)
        case 2 where !bytes.isEmpty:
            bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.next(below: 40)))
        case 3 where !bytes.isEmpty:
            let end = min(bytes.count, at + 1 + random.next(below: 200))
            bytes.insert(contentsOf: Array(bytes[min(at, end)..<end]), at: end)
        case 4:
            bytes.insert(contentsOf: Array(repeating: random.pick(tokens), count: 1 + random.next(below: 300)).flatMap { $0 }, at: at)
        default:
            bytes = Array(bytes.prefix(at))
        }
    }

    /// Runs `check` on mutants of the seeds: `inputs` of them, then more until `seconds` passed.
    static func campaign(seed: UInt64, corpus: [[UInt8]], check: ([UInt8], String) -> Void) async {
        let deadline = Date().addingTimeInterval(seconds)
        var round: UInt64 = 0
        repeat {
            var random = XorShift(seed: (seed ^ runSeed) &+ round &* 0x9E37_79B9)
            for number in 0..<inputs {
                if number % 50 == 0 { await Task.yield() }
                var bytes = random.pick(corpus)
                for _ in 0..<(1 + random.next(below: 8)) { mutate(&bytes, &random) }
                check(bytes, "seed \(seed) run seed \(runSeed) round \(round) input \(number)")
            }
            round += 1
        } while Date() < deadline
    }

    static func lineCount(_ bytes: [UInt8]) -> Int { bytes.count(where: { $0 == UInt8(ascii: "\n") }) + 1 }

    /// A post or problems inside the file, each with a message and a hint or a position.
    static func checkPost(_ bytes: [UInt8], format: PostFormat, context: String) {
        let started = ContinuousClock.now
        do {
            let post = try PostParser(rules: PostRules()).parse(bytes, format: format, defaultID: "fuzz")
            #expect(PostIdentifier.problem(with: post.id) == nil, "\(context): accepted an invalid id \(post.id)")
        } catch {
            #expect(!error.problems.isEmpty, "\(context): a rejection without a problem")
            for problem in error.problems {
                #expect(!problem.message.isEmpty, "\(context)")
                if let line = problem.line {
                    #expect(line >= 1 && line <= lineCount(bytes) + 1, "\(context): line \(line) of \(lineCount(bytes)): \(problem)")
                }
                if let column = problem.column { #expect(column >= 1, "\(context): \(problem)") }
            }
        }
        // Generous: a few kilobytes take milliseconds; this catches a runaway, not a slow machine.
        #expect(ContinuousClock.now - started < .seconds(10), "\(context): parsing took \(ContinuousClock.now - started)")
    }

    static var markdownCorpus: [[UInt8]] {
        [PostExamples.carteJeune, PostExamples.correctionFeteMusique, PostExamples.retrait, PostExamples.feteMusiqueBundle,
         "---\ntitle: &t Fête\nsummary: *t\ntags: [a, b]\nevent: { start: 2026-06-21T18:00:00+02:00, location: \"Toulouse\" }\n---\nCorps.\n"]
            .map { Array($0.utf8) }
    }

    @Test(arguments: [UInt64(0xF022_0001), 0xF022_0002])
    func mutated_markdown_posts_are_read_or_rejected_with_a_position_inside_the_file(seed: UInt64) async {
        await Self.campaign(seed: seed, corpus: Self.markdownCorpus) { Self.checkPost($0, format: .markdown, context: $1) }
    }

    @Test func mutated_json_posts_are_read_or_rejected_with_a_position_inside_the_file() async {
        await Self.campaign(seed: 0x15_0000_0001, corpus: [Array(PostExamples.pontDuGard.utf8)]) {
            Self.checkPost($0, format: .json, context: $1)
        }
    }

    @Test func mutated_configurations_are_read_or_refused_with_a_position_inside_the_file() async throws {
        let example = try String(contentsOfFile: ExampleConfigurationTests.path, encoding: .utf8)
        let corpus = [Array(example.utf8), Array(ConfigFixtures.fileChannel.utf8),
                      Array("[spool]\ndir = \"s\"\n[delivery]\ndefaults = [\"hook\"]\n[[channel]]\nname = \"hook\"\ntype = \"webhook\"\nurl = \"http://127.0.0.1:9\"\nheaders = { X-A = \"1\" }\n".utf8)]
        let loader = ConfigurationLoader(channelTypes: BuiltinChannels.settingSpecs, environment: [:])
        let directory = NSTemporaryDirectory() + "/trobador-config-fuzz-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        await Self.campaign(seed: 0xC0_4F16, corpus: corpus) { bytes, context in
            // Through a file, as `check` and the daemon read it: NUL and invalid UTF-8 included.
            let path = directory + "/t.toml"
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            let started = ContinuousClock.now
            do throws(ConfigurationError) {
                _ = try loader.load(path: path)
            } catch {
                #expect(!error.problems.isEmpty, "\(context)")
                for problem in error.problems {
                    #expect(problem.path == path && !problem.message.isEmpty, "\(context): \(problem)")
                    #expect(problem.line >= 1 && problem.line <= Self.lineCount(bytes) + 1 && problem.column >= 1, "\(context): \(problem)")
                }
            }
            #expect(ContinuousClock.now - started < .seconds(10), "\(context)")
        }
    }

    // MARK: hostile inputs, one by one

    @Test func yaml_bombs_deep_nesting_huge_front_matter_and_nul_bytes_are_refused_quickly_with_a_reason() throws {
        var laughs = "---\ntitle: t\nl0: &l0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        // CI reads well past every limit; the long run reads at the limits themselves.
        let depth = Self.seconds > 0 ? 50_000 : 3_000
        let keys = Self.seconds > 0 ? 30_000 : 3_000
        for level in 1..<9 { laughs += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ", ") + "]\n" }
        let cases: [(name: String, text: [UInt8], format: PostFormat, says: String)] = [
            ("billion laughs", Array((laughs + "---\nx\n").utf8), .markdown, "anchors"),
            ("merge key bomb", Array("---\ntitle: t\nbase: &b { a: 1 }\nsummary: { <<: *b }\n---\nx\n".utf8), .markdown, "anchors"),
            ("deep [", Array(("---\ntitle: " + String(repeating: "[", count: depth) + "\n---\nx\n").utf8), .markdown, "nested too deeply"),
            ("deep {", Array(("---\ntitle: " + String(repeating: "{a: ", count: depth) + "\n---\nx\n").utf8), .markdown, "nested too deeply"),
            ("deep JSON", Array(("{\"body\": \"x\", \"title\": " + String(repeating: "[", count: depth) + "}").utf8), .json, "nested too deeply"),
            ("NUL", Array("---\ntitle: Fête\n---\nCorps\u{0} du texte.\n".utf8), .markdown, "NUL"),
            ("invalid UTF-8", Array("---\ntitle: F".utf8) + [0xEA, 0x74, 0x65] + Array("\n---\nx\n".utf8), .markdown, "UTF-8"),
            ("lone surrogate", Array("---\ntitle: ".utf8) + [0xED, 0xA0, 0x80] + Array("\n---\nx\n".utf8), .markdown, "UTF-8"),
            ("unknown tag", Array("---\ntitle: !!python/object/apply:os.system [\"id\"]\n---\nx\n".utf8), .markdown, "title"),
            ("front matter of many keys (900 KB in the long run)", Array(("---\ntitle: t\n" + (0..<keys).map { "k\($0): valeur\n" }.joined() + "---\nx\n").utf8), .markdown, "k0"),
        ]
        for item in cases {
            let started = ContinuousClock.now
            let rejection = rejectPostBytes(item.text, format: item.format)
            let elapsed = ContinuousClock.now - started
            #expect(rejection != nil, "\(item.name) is refused")
            let said = rejection?.problems.map { "\($0.description) \($0.hint ?? "")" }.joined(separator: " | ") ?? ""
            #expect(said.contains(item.says), "\(item.name): \(said.prefix(400))")
            #expect(!said.contains("yaml_set_max_nest_level"), "\(item.name): libyaml's words, not the user's: \(said.prefix(300))")
            #expect(elapsed < .seconds(10), "\(item.name) took \(elapsed)")
        }
    }

    func rejectPostBytes(_ bytes: [UInt8], format: PostFormat) -> PostRejection? {
        do {
            _ = try PostParser(rules: PostRules()).parse(bytes, format: format, defaultID: "bombe")
            return nil
        } catch {
            return error
        }
    }

    @Test func a_configuration_with_a_key_of_fifty_thousand_parts_an_accented_section_or_a_nul_byte_is_refused_with_its_line_not_a_crash() throws {
        let directory = try TemporaryDirectory("config-fuzz")
        defer { directory.remove() }
        let loader = ConfigurationLoader(channelTypes: BuiltinChannels.settingSpecs, environment: [:])
        let deepKey = "[spool]\ndir = \"s\"\n[" + Array(repeating: "a", count: 50_000).joined(separator: ".") + "]\nx = 1\n"
        let deepDotted = "a" + String(repeating: ".a", count: 50_000) + " = 1\n"
        for (name, bytes, says, line) in [
            ("table header", Array(deepKey.utf8), "dotted parts", 3), ("dotted key", Array(deepDotted.utf8), "dotted parts", 1),
            ("NUL", Array("[spool]\ndir = \"s\u{0}\"\n".utf8), "NUL byte (line 2)", 1),
            ("accented section", Array("[spool]\ndir = \"s\"\n\n[émissions]\nx = 1\n".utf8), "[\"émissions\"]", 4),
            ("section starting with &", Array("[[ &a channel]]\nname = \"x\"\n".utf8), "not &", 1),
            ("three brackets", Array("[spool]\n[[[channel]]\nname = \"x\"\n".utf8), "not [", 2),
            ("a brace closing a list", Array("[delivery]\ndefaults = [ # les canaux\n  \"a\", }\n".utf8), "list opened on line 2", 3),
            ("a combining mark after [", Array("[spool]\n[\u{302E}channel]\n".utf8), "not \u{302E}", 2),
            ("a lone bracket", Array("[spool]\ndir = \"s\"\n[\n\nx = 1\n".utf8), "not the end of the line", 3),
        ] {
            let path = directory.path + "/\(name).toml"
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            #expect(throws: ConfigurationError.self, "\(name)") { try loader.load(path: path) }
            do throws(ConfigurationError) {
                _ = try loader.load(path: path)
            } catch {
                #expect(error.problems.first?.message.contains(says) == true, "\(name): \(error.problems)")
                #expect(error.problems.first?.line == line, "\(name): \(error.problems)")
            }
        }
    }
}

