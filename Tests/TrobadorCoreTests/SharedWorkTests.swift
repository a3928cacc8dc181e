import CurlHTTP
import Foundation
import Synchronization
import Testing
@testable import TrobadorCore

/// The pieces that let work done for one delivery serve the next: remembered renderings,
/// and the byte-level writers every request goes through.
@Suite("shared work: remembered renderings, JSON strings, header names")
struct SharedWorkTests {
    /// Text lengths through a `RecentValues`, counting how many were computed.
    final class RememberedLengths: Sendable {
        let recent: RecentValues<String, Int>
        private let computed = Mutex(0)

        init(capacity: Int) { recent = RecentValues(capacity: capacity) }

        var computations: Int { computed.withLock { $0 } }

        func length(_ key: String) -> Int {
            recent.value(for: key) { key in
                computed.withLock { $0 += 1 }
                return key.count
            }
        }
    }

    @Test func a_value_is_computed_once_per_key_and_the_oldest_is_forgotten_past_capacity() {
        let lengths = RememberedLengths(capacity: 2)
        #expect(lengths.length("fête") == 4 && lengths.length("fête") == 4)
        #expect(lengths.computations == 1)
        #expect(lengths.length("concert") == 7 && lengths.length("fête") == 4)
        #expect(lengths.computations == 2)
        _ = lengths.length("marché")  // a third key: "fête", the oldest, is forgotten
        _ = lengths.length("fête")
        #expect(lengths.computations == 4)
    }

    @Test func an_idle_daemon_forgets_every_remembered_value_and_computes_it_again_when_asked() {
        let lengths = RememberedLengths(capacity: 4)
        _ = lengths.length("Occitània")
        RememberedValues.forgetAll()
        #expect(lengths.length("Occitània") == 9)
        #expect(lengths.computations == 2)
    }

    @Test func texts_that_differ_only_in_normalisation_are_different_keys() {
        #expect(ExactText("fête") != ExactText("fe\u{302}te") && "fête" == "fe\u{302}te")
        #expect(Set([ExactText("fête"), ExactText("fête")]).count == 1)
    }

    @Test func a_value_that_could_not_be_made_is_not_remembered() throws {
        struct Unreadable: Error {}
        let recent = RecentValues<String, Int>(capacity: 4)
        #expect(throws: Unreadable.self) { try recent.value(for: "abîmé") { _ in throw Unreadable() } }
        #expect(recent.value(for: "abîmé") { $0.count } == 5)
    }

    /// That a value is computed once is `RecentValues`' test above; this one checks that what
    /// the renderers remember is what they render, for the second and third channel of a post.
    @Test func a_remembered_rendering_is_the_one_a_fresh_rendering_gives() {
        let body = "Fête de la **musique** à Toulouse 🎶 https://www.example.org/fete #musique \(UUID())"
        let first = (Markdown.html(body), Markdown.plainText(body), ParsedBody(markdown: body))
        for _ in 0..<2 {
            #expect(Markdown.html(body) == first.0)
            #expect(Markdown.plainText(body) == first.1)
            #expect(ParsedBody(markdown: body) == first.2)
        }
        #expect(first.0.contains("<strong>musique</strong>") && first.0.contains("<a href=\"https://www.example.org/fete\">"))
        #expect(first.1.hasPrefix("Fête de la musique à Toulouse 🎶"))
    }

    @Test func strings_are_escaped_where_JSON_requires_and_copied_as_they_are_elsewhere() throws {
        let text = "\"Fête\" \\ à l'Hôtel/de/Région\n\r\t\u{01}\u{1F}🎉 end"
        let written = JSONValue.quoted(text)
        #expect(written == #""\"Fête\" \\ à l'Hôtel/de/Région\n\r\t\u0001\u001f🎉 end""#)
        #expect(try JSONSerialization.jsonObject(with: Data("[\(written)]".utf8)) as? [String] == [text])
        #expect(JSONValue.quoted("") == "\"\"" && JSONValue.quoted("\n") == #""\n""#)
        // Every byte that needs escaping, at every position of an eight-byte word, among
        // bytes that do not (0x7F and 0x80 and above are copied as they are).
        for special in ["\"", "\\", "\n", "\u{1F}", "\u{00}"] {
            for position in 0..<17 {
                let text = String(repeating: "a", count: position) + special + "é\u{7F}" + String(repeating: "b", count: 16 - position)
                let decoded = try JSONSerialization.jsonObject(with: Data("[\(JSONValue.quoted(text))]".utf8)) as? [String]
                #expect(decoded == [text], "\(position)")
            }
        }
        // Two in a row, at the end of a word and across two; and an audit record, JSON holding a
        // request body that is JSON, where nearly every word has a byte to escape.
        for position in 0..<17 {
            let text = String(repeating: "a", count: position) + "\"\\\n\"" + String(repeating: "b", count: 16 - position)
            let decoded = try JSONSerialization.jsonObject(with: Data("[\(JSONValue.quoted(text))]".utf8)) as? [String]
            #expect(decoded == [text], "\(position)")
        }
        let body = JSONValue.object([("text", "Tu as entre 15 et 26 ans ?\n« Carte Jeune » : 1 € 🎟️"), ("tags", ["a", "b"])]).serialized
        let record = JSONValue.array([.object([("body", .string(body)), ("bodyBytes", .integer(body.utf8.count))])]).serialized
        let decoded = try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [[String: Any]]
        #expect(decoded?.first?["body"] as? String == body)
    }

    @Test func secrets_are_replaced_wherever_they_occur_as_Foundation_would_replace_them() {
        let cases: [(text: String, secret: String)] = [
            ("https://hooks.example.org/T0/B1/s3cr3t?token=s3cr3t", "s3cr3t"),
            ("s3cr3ts3cr3t fête s3cr3t", "s3cr3t"),
            ("aaaa", "aaa"),
            ("Région Occitanie — clé:é🎉é", "é🎉é"),
            ("nothing to hide", "s3cr3t"),
            ("short", "a much longer secret"),
        ]
        for (text, secret) in cases {
            let redacted = text.redacting([(secret, "***")])
            #expect(redacted == text.replacingOccurrences(of: secret, with: "***"), "\(text)")
            #expect(Array(text.utf8).redacting([(secret, "***")]) == Array(redacted.utf8), "the bytes of \(text)")
            #expect(text.holds(secret) == text.contains(secret))
            #expect(!redacted.holds(secret) || secret == "aaa")
        }
        #expect("aaaa".redacting([("aaa", "***")]) == "***a")
        #expect(!"any text".holds("") && "any text".redacting([("", "***")]) == "any text")
        // Several secrets, the longest first, each replaced in what the one before left.
        let redactions = [("https://h.example/s3cr3t", "https://h.example/***"), ("s3cr3t", "***")]
        let text = "url https://h.example/s3cr3t, key s3cr3t, é"
        #expect(text.redacting(redactions) == "url https://h.example/***, key ***, é")
        #expect(Array(text.utf8).redacting(redactions) == Array(text.redacting(redactions).utf8))
    }

    @Test func utf8_is_validated_as_the_standard_library_validates_it() {
        func agree(_ bytes: [UInt8]) -> Bool {
            bytes.withUnsafeBufferPointer(UTF8Validation.isValid) == (String(validating: bytes, as: UTF8.self) != nil)
        }
        let text = Array("{\"title\":\"Fête de la musique à Montpellier 🎉\",\"lang\":\"oc\"} ".utf8)
        #expect(text.withUnsafeBufferPointer(UTF8Validation.isValid))
        // Every boundary of table 3-7, alone and after eight ASCII bytes (the word-wise path).
        let edges: [[UInt8]] = [
            [0x7F], [0x80], [0xC1, 0xBF], [0xC2, 0x80], [0xDF, 0xBF], [0xDF, 0xC0], [0xE0, 0x9F, 0x80], [0xE0, 0xA0, 0x80],
            [0xED, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xEF, 0xBF, 0xBF], [0xF0, 0x8F, 0x80, 0x80], [0xF0, 0x90, 0x80, 0x80],
            [0xF4, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xE2, 0x82], [0xF0, 0x9F, 0x8E],
            [0xE2, 0x28, 0xA1], [0xF0, 0x9F, 0x28, 0x89],
        ]
        for edge in edges {
            #expect(agree(edge), "\(edge)")
            #expect(agree(Array("abcdefgh".utf8) + edge + Array("ij".utf8)), "\(edge) inside text")
        }
        // Random bytes, mostly ASCII as bodies are, and slices of valid text cut anywhere.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                Bool.random(using: &generator) ? UInt8.random(in: 0x20...0x7E, using: &generator) : UInt8.random(in: 0...255, using: &generator)
            }
            #expect(agree(bytes), "\(bytes)")
            let cut = Int.random(in: 0...text.count, using: &generator)
            #expect(agree(Array(text[..<cut])) && agree(Array(text[cut...])), "cut at \(cut)")
        }
    }

    @Test func json_strings_escape_what_json_requires_wherever_it_falls_in_a_word() {
        // Each byte to escape at every offset of an eight-byte word, alone and after another one.
        for special in ["\"", "\\", "\n", "\r", "\t", "\u{1}", "\u{1F}"] {
            for offset in 0..<17 {
                let text = String(repeating: "é", count: offset / 2) + String(repeating: "a", count: offset % 2) + special + "b" + special + " ~\u{7F}"
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.withoutEscapingSlashes]
                let expected = String(decoding: try! encoder.encode(text), as: UTF8.self)
                #expect(JSONValue.quoted(text) == expected, "\(text.debugDescription)")
            }
        }
    }

    @Test func header_names_match_without_regard_to_case_and_only_letters_fold() {
        #expect("content-type".isSameHeaderName(as: "Content-Type"))
        #expect("WEBHOOK-ID".isSameHeaderName(as: "webhook-id"))
        #expect(!"Content-Typf".isSameHeaderName(as: "Content-Type"))
        #expect(!"Content-Type2".isSameHeaderName(as: "Content-Type"))
        #expect(!"a@".isSameHeaderName(as: "A`"))  // 0x40 and 0x60 differ by the case bit but are not letters
        let request = HTTPRequest(url: "http://127.0.0.1:9/", headers: [("content-TYPE", "application/json")])
        #expect(request.header("Content-Type") == "application/json" && request.header("Accept") == nil)
    }
}

@Suite("trimming spaces as Foundation does")
struct TrimmingSpacesTests {
    @Test func spaces_and_tabs_go_at_both_ends_and_nothing_else() {
        let samples = [
            "  https://www.example.org/agenda \t", "\u{00A0}fête\u{2003}", "\n lien \n", "", "   ", "a b", "\u{3000}全角\u{3000}", "🎉 ",
        ]
        for text in samples {
            #expect(text.trimmingSpaces() == text.trimmingCharacters(in: .whitespaces), "\(text.debugDescription)")
        }
    }
}
