import Foundation
import Testing
@testable import TrobadorCore

/// The splitter's promises, checked on many generated French texts (seeded, so a failure
/// can be replayed): no part over the limit, the words back in order, no URL, hashtag or
/// grapheme cut, facets pointing into their own part.
@Suite struct RenderSplitterPropertyTests {
    static let rules: [LengthRule] = [.graphemes, .utf16, .unicodeScalars, .utf8Bytes, .mastodon()]
    /// `Tests/faults/run` (long fuzzing) checks five times more texts than CI.
    static let scale = ParserFuzzTests.seconds > 0 ? 5 : 1

    @Test(arguments: 0..<5)
    func every_part_fits_and_keeps_the_words_in_order(batch: Int) async {
        var random = XorShift(seed: 0x5EED_0000 + UInt64(batch))
        let rule = Self.rules[batch]
        for _ in 0..<(60 * Self.scale) {
            // These tests are long on a debug build: let the other suites' tasks run in between.
            await Task.yield()
            let text = FrenchTextGenerator.text(&random)
            let limit = 24 + random.next(below: 120)
            let numbered = random.next(below: 4) != 0
            let parts = TextSplitter.split(text, limit: limit, rule: rule, numbered: numbered)
            let context = "rule \(rule), limit \(limit), text \(String(reflecting: text))"
            for part in parts {
                #expect(rule.count(part) <= limit, "\(context): part \(String(reflecting: part))")
            }
            let bodies = numbered && parts.count > 1 ? Self.withoutNumbers(parts) : parts
            #expect(bodies != nil, "\(context): parts not numbered 1/n…n/n")
            guard let bodies else { continue }
            // Graphemes of every part laid end to end, spaces aside, are the text's own: a
            // cluster cut in two would show as two characters where the text has one.
            let glyphs = bodies.flatMap { Array($0).filter { !$0.isWhitespace } }
            #expect(glyphs == Array(text).filter { !$0.isWhitespace }, "\(context)")
            // Whole words come back in order; only a word longer than a part comes in pieces.
            let reserve = numbered ? 7 : 0
            #expect(Self.wordsComeBack(Self.words(text), in: bodies, rule: rule, room: limit - reserve), "\(context)")
        }
    }

    @Test(arguments: 0..<3)
    func urls_and_hashtags_that_fit_are_never_cut(batch: Int) async {
        var random = XorShift(seed: 0xC0FFEE + UInt64(batch))
        for _ in 0..<(60 * Self.scale) {
            // These tests are long on a debug build: let the other suites' tasks run in between.
            await Task.yield()
            let text = FrenchTextGenerator.text(&random)
            let limit = 40 + random.next(below: 100)
            let parts = TextSplitter.parts(text, limit: limit, rule: .graphemes)
            let words = Self.words(parts.map(\.text).joined(separator: " "))
            for atom in Self.words(text) where atom.hasPrefix("https://") || atom.hasPrefix("#") {
                let atom = atom.trimmingCharacters(in: .init(charactersIn: ".,"))
                guard atom.count + 7 <= limit else { continue }
                #expect(words.contains { $0.hasPrefix(atom) }, "\(atom) cut at limit \(limit)")
            }
            for part in parts {
                let bytes = Array(part.text.utf8)
                for facet in part.facets {
                    let shown = String(decoding: bytes[facet.byteStart..<facet.byteEnd], as: UTF8.self)
                    switch facet.feature {
                    case .link(let url): #expect(shown == url)
                    case .tag(let tag): #expect(shown == "#" + tag)
                    }
                }
            }
        }
    }

    @Test(arguments: 0..<3)
    func telegram_parts_stay_valid_html_within_the_limit(batch: Int) async {
        var random = XorShift(seed: 0x7E1E + UInt64(batch))
        for _ in 0..<(40 * Self.scale) {
            // These tests are long on a debug build: let the other suites' tasks run in between.
            await Task.yield()
            let body = FrenchTextGenerator.markdown(&random)
            let limit = 60 + random.next(below: 200)
            let splitter = DocumentSplitter(format: .telegramHTML, rule: .utf16, limit: limit)
            for part in splitter.thread(RichDocument(markdown: body), numbered: true) {
                #expect(part.counted.utf16.count <= limit, "limit \(limit), body \(String(reflecting: body))")
                #expect(TelegramHTMLCheck.problem(in: part.rendered.text) == nil,
                        "\(TelegramHTMLCheck.problem(in: part.rendered.text) ?? ""): \(part.rendered.text)")
            }
        }
    }

    /// The parts without their ` i/n`, nil if they are not numbered 1 to n in order.
    static func withoutNumbers(_ parts: [String]) -> [String]? {
        var bodies: [String] = []
        for (index, part) in parts.enumerated() {
            let suffix = "\(index + 1)/\(parts.count)"
            guard part.hasSuffix(" " + suffix) || part.hasSuffix("\n" + suffix) else { return nil }
            bodies.append(String(part.dropLast(suffix.count + 1)))
        }
        return bodies
    }

    static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
    }

    /// Each word of the text is a word of some part, in order, or, when it alone exceeds
    /// `room`, pieces in consecutive parts.
    static func wordsComeBack(_ words: [String], in parts: [String], rule: LengthRule, room: Int) -> Bool {
        var shown = parts.flatMap { self.words($0) }[...]
        for word in words {
            guard let first = shown.first else { return false }
            if first == word {
                shown.removeFirst()
                continue
            }
            guard rule.count(word) > room else { return false }
            var rest = Substring(word)
            while !rest.isEmpty, let piece = shown.first, rest.hasPrefix(piece) {
                rest = rest.dropFirst(piece.count)
                shown.removeFirst()
            }
            if !rest.isEmpty { return false }
        }
        return shown.isEmpty
    }
}

/// A small, seeded xorshift generator: the same seed gives the same texts on every run.
struct XorShift {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
    }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    mutating func next(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[next(below: items.count)]
    }
}

/// Texts like the team's posts, with what makes splitting hard: accents in both normal forms,
/// emoji with skin tones and joiners, flags, French spacing before `?`, long URLs with
/// queries, hashtags, and now and then a word or URL longer than a part.
enum FrenchTextGenerator {
    static let words = [
        "Le", "21", "juin", "concerts", "gratuits", "région", "événements", "scènes", "ouvertes", "liO", "à",
        "1", "€", "Fête", "l'Occitanie", "pièce", "d'identité", "Perpignan", "Rodez", "e\u{301}te\u{301}",
        "café", "👩🏽‍💻", "🇫🇷", "🎶", "🎟️", "«", "»", ":", "(programme)", "15-26", "ans", "fanfares", "DJ",
        "bals", "occitans", "Nîmes", "UNESCO", "week-end", "ça", "œuvre", "ans\u{00A0}?",
    ]
    static let urls = [
        "https://www.example.org/agenda/2026/fete-de-la-musique?utm_source=reseaux&utm_medium=social",
        "https://www.example.org/aides/carte-jeune",
        "http://example.org/a_(b)",
        "https://www.example.org/tourisme/pont-du-gard?utm_source=reseaux&utm_medium=social&utm_campaign="
            + String(repeating: "automne-", count: 12),
    ]
    static let tags = ["#FeteDeLaMusique", "#Région", "#Occitània", "#Fe\u{301}te", "#Jeunesse", "#culture_2026"]
    static let endings = [".", ".", " !", " ?", "…", ":", ""]

    static func token(_ random: inout XorShift) -> String {
        switch random.next(below: 40) {
        case 0...2: random.pick(urls)
        case 3...5: random.pick(tags)
        case 6: String(repeating: random.pick(["anticonstitutionnellement", "👩🏽‍💻", "e\u{301}"]), count: 5 + random.next(below: 40))
        default: random.pick(words)
        }
    }

    static func sentence(_ random: inout XorShift) -> String {
        let tokens = (0..<(2 + random.next(below: 12))).map { _ in token(&random) }
        return tokens.joined(separator: " ") + random.pick(endings)
    }

    static func text(_ random: inout XorShift) -> String {
        (0..<(1 + random.next(below: 4))).map { _ in
            (0..<(1 + random.next(below: 4))).map { _ in sentence(&random) }
                .joined(separator: random.next(below: 5) == 0 ? "\n" : " ")
        }.joined(separator: "\n\n")
    }

    /// The same, as Markdown: bold, italic, links, code, lists, quotes, and characters HTML
    /// must escape.
    static func markdown(_ random: inout XorShift) -> String {
        (0..<(1 + random.next(below: 4))).map { _ in
            let words = (0..<(3 + random.next(below: 30))).map { _ -> String in
                let word = random.pick(Self.words + ["&", "<b>", "a<b", "x>y", "\"guillemets\""])
                switch random.next(below: 12) {
                case 0: return "**" + word + " " + random.pick(Self.words) + "**"
                case 1: return "_" + word + "_"
                case 2: return "[" + word + "](" + random.pick(urls) + ")"
                case 3: return "`" + word + " < 2`"
                case 4: return random.pick(urls)
                case 5: return random.pick(tags)
                default: return word
                }
            }
            let paragraph = words.joined(separator: " ")
            return random.pick(["", "", "- ", "1. ", "> "]) + paragraph
        }.joined(separator: "\n\n")
    }
}

/// Checks Telegram HTML as the Bot API reads it: only its tags, properly nested, code never
/// inside another entity, quotes not nested, and every other `<`, `>`, `&` escaped.
enum TelegramHTMLCheck {
    static let allowed: Set<String> = ["b", "i", "s", "u", "a", "code", "pre", "blockquote"]

    static func problem(in html: String) -> String? {
        var stack: [String] = []
        var index = html.startIndex
        while index < html.endIndex {
            let character = html[index]
            if character == "<" {
                guard let close = html[index...].firstIndex(of: ">") else { return "unclosed <" }
                let tag = String(html[html.index(after: index)..<close])
                if tag.hasPrefix("/") {
                    guard stack.last == String(tag.dropFirst()) else { return "misnested <\(tag)>" }
                    stack.removeLast()
                } else {
                    let name = String(tag.prefix { $0 != " " })
                    guard allowed.contains(name) else { return "tag <\(name)>" }
                    if let problem = attributeProblem(tag: tag, name: name) { return problem }
                    if stack.contains("code") || stack.contains("pre") && name != "code" { return "<\(name)> inside code" }
                    if name == "code", stack.contains(where: { ["b", "i", "s", "u", "a"].contains($0) }) {
                        return "code inside \(stack)"
                    }
                    if name == "blockquote", stack.contains("blockquote") { return "nested blockquote" }
                    stack.append(name)
                }
                index = html.index(after: close)
                continue
            }
            if character == ">" { return "raw >" }
            if character == "&", let problem = entityProblem(html[index...]) { return problem }
            index = html.index(after: index)
        }
        return stack.isEmpty ? nil : "unclosed \(stack)"
    }

    private static func attributeProblem(tag: String, name: String) -> String? {
        if tag == name { return nil }
        let prefix = name == "a" ? "a href=\"" : name == "code" ? "code class=\"language-" : nil
        guard let prefix, tag.hasPrefix(prefix), tag.hasSuffix("\"") else { return "attributes in <\(tag)>" }
        let value = tag.dropFirst(prefix.count).dropLast()
        if value.contains("\"") || value.contains("<") { return "unescaped attribute in <\(tag)>" }
        var rest = value[...]
        while let ampersand = rest.firstIndex(of: "&") {
            if let problem = entityProblem(rest[ampersand...]) { return problem }
            rest = rest[rest.index(after: ampersand)...]
        }
        return nil
    }

    private static func entityProblem(_ text: Substring) -> String? {
        ["&amp;", "&lt;", "&gt;", "&quot;"].contains(where: text.hasPrefix) ? nil : "raw & at \(text.prefix(12))"
    }
}
