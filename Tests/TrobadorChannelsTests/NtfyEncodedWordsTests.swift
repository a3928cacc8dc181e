import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorChannels

@Suite("ntfy headers: RFC 2047 encoded words")
struct NtfyEncodedWordsTests {
    static let samples = [
        "Fête de la musique 2026 : l'Occitanie en fête",
        "🇫🇷🎶🐶 👩🏽‍💻",
        "Ceci =?n'est pas?= un mot_codé",
        "Première ligne\nSeconde ligne, avec\\\nun retour forcé",
        String(repeating: "Ω", count: 200),
    ]

    @Test func plain_ascii_stays_as_it_is() {
        #expect(EncodedWords.header("Agenda culturel") == "Agenda culturel")
        #expect(EncodedWords.header("culture") == "culture")
    }

    @Test func every_word_is_ascii_and_at_most_75_characters() {
        for sample in Self.samples + [NtfyAdapter.text(for: HookFixtures.richPost).text] {
            let encoded = EncodedWords.header(sample)
            #expect(encoded.allSatisfy { $0.isASCII && $0 != "\n" && $0 != "\r" })
            for word in encoded.split(separator: " ") {
                #expect(word.count <= 75)
                #expect(word.hasPrefix("=?UTF-8?Q?") || word.hasPrefix("=?UTF-8?B?"))
            }
        }
    }

    /// Checked by an independent implementation of RFC 2047: Python's `email.header`.
    @Test func pythons_email_header_decodes_them_back_to_the_text() throws {
        let texts = Self.samples + [NtfyAdapter.text(for: HookFixtures.richPost).text]
        let decoded = try Self.pythonDecode(texts.map(EncodedWords.header))
        #expect(decoded == texts)
        #expect(texts.map { NtfyStandIn.decode(EncodedWords.header($0)) } == texts, "and so does the stand-in")
    }

    static func pythonDecode(_ values: [String]) throws -> [String] {
        let directory = try TemporaryDirectory("rfc2047")
        defer { directory.remove() }
        try JSONSerialization.data(withJSONObject: values).write(to: URL(fileURLWithPath: directory.file("in.json")))
        let script = """
            import json, sys
            from email.header import decode_header, make_header
            values = json.load(open(sys.argv[1]))
            print(json.dumps([str(make_header(decode_header(v))) for v in values]))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, directory.file("in.json")]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONSerialization.jsonObject(with: output) as? [String] ?? []
    }
}
