import Foundation
import Testing
@testable import TrobadorCore

/// The YAML front matter of Markdown posts: how it is cut from the body, and how broken or
/// dangerous YAML is refused with its position in the whole file.
@Suite struct PostFrontMatterTests {
    @Test func broken_yaml_reports_its_line_and_column_in_the_whole_file() throws {
        let rejection = rejectPost("---\ntitle: Fête\ntags: [culture, musique\nlang: fr\n---\nTexte\n")
        let problem = try #require(rejection?.problems.first)
        #expect(rejection?.problems.count == 1)
        #expect(problem.message.hasPrefix("the front matter is not valid YAML"))
        // libyaml notices the missing ] where the next field starts.
        #expect(problem.line == 4)
        #expect(problem.column == 5)
        #expect(problem.message.contains("line 3, column 7"))
        #expect(problem.hint?.contains("[culture, musique]") == true)
    }

    @Test func french_colon_in_an_unquoted_title_gets_a_quoting_hint() throws {
        let problem = try #require(rejectPost("---\ntitle: Fête de la musique : le programme\n---\nTexte\n")?.problems.first)
        #expect(problem.line == 2)
        #expect(problem.column == 27)
        #expect(problem.hint?.contains("must be in quotes") == true)
    }

    @Test func tab_indentation_is_refused_with_a_hint() throws {
        let problem = try #require(rejectPost("---\nevent:\n\tstart: 2026-06-21T18:00:00+02:00\n---\nTexte\n")?.problems.first)
        #expect(problem.line == 3)
        #expect(problem.column == 1)
        #expect(problem.hint?.contains("spaces, not tabs") == true)
    }

    @Test func unquoted_hash_in_tags_is_explained_as_a_comment() throws {
        let problem = try #require(rejectPost("---\ntags: [#culture]\n---\nTexte\n")?.problems.first)
        #expect(problem.line == 3)
        #expect(problem.hint?.contains("# starts a comment") == true)
    }

    @Test func unclosed_front_matter_points_at_its_opening_line() throws {
        let problem = try #require(rejectPost("---\ntitle: Fête\ntags: [culture]\n\nLe texte.\n")?.problems.first)
        #expect(problem.line == 1)
        #expect(problem.column == 1)
        #expect(problem.message.contains("never closed"))
    }

    @Test func front_matter_that_is_a_list_is_refused() throws {
        let problem = try #require(rejectPost("---\n- culture\n- musique\n---\nTexte\n")?.problems.first)
        #expect(problem.line == 2)
        #expect(problem.column == 1)
        #expect(problem.message.contains("must be a group of fields, but it is a list"))
    }

    @Test func duplicated_key_is_reported_where_it_is_written_again() throws {
        let problem = try problem(rejectPost("---\ntitle: Un\nlang: fr\ntitle: Deux\n---\nTexte\n"), field: "title")
        #expect(problem.line == 4)
        #expect(problem.column == 1)
        #expect(problem.message.contains("more than once"))
    }

    @Test func yaml_alias_bomb_is_refused_at_its_first_anchor_without_expanding() throws {
        var yaml = "---\nlol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*lol\(level - 1)", count: 9).joined(separator: ", ")
            yaml += "lol\(level): &lol\(level) [\(refs)]\n"
        }
        let clock = ContinuousClock()
        var rejection: PostRejection?
        let elapsed = clock.measure { rejection = rejectPost(yaml + "---\nTexte\n") }
        let problem = try #require(rejection?.problems.first)
        #expect(problem.line == 2)
        #expect(problem.column == 7)
        #expect(problem.message.contains("aliases (*name) are not allowed"))
        #expect(elapsed < .seconds(1))
    }

    @Test func alias_bomb_used_as_mapping_key_is_refused_before_composing() throws {
        // Used as a key, a billion-node alias would be hashed in full by the YAML library.
        var yaml = "---\nx: { &a0 k: [v, v, v, v, v, v, v, v] }\n"
        for level in 1...9 {
            yaml += "y\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 8).joined(separator: ", ") + "]\n"
        }
        yaml += "? *a9\n: boom\n---\nTexte\n"
        let clock = ContinuousClock()
        var rejection: PostRejection?
        let elapsed = clock.measure { rejection = rejectPost(yaml) }
        let problem = try #require(rejection?.problems.first)
        #expect(problem.line == 2)
        #expect(problem.column == 6)
        #expect(elapsed < .seconds(1))
    }

    @Test func deeply_nested_yaml_is_refused_without_crashing() throws {
        let problem = try #require(rejectPost("---\ntags: " + String(repeating: "[", count: 50_000) + "\n---\nTexte\n")?.problems.first)
        #expect(problem.line == 2)
        #expect(problem.message.contains("nested too deeply"), "in the user's words, not libyaml's: \(problem.message)")
    }

    /// Anchors in every place YAML allows a node, with the 1-based line and column in the YAML text.
    @Test(arguments: [
        ("a: &x 1\nb: *x\n", 1, 4),
        ("- &x a\n", 1, 3),
        ("list:\n  - - &x a\n", 2, 7),
        ("? &x a\n: 1\n", 1, 3),
        ("a: !!str &x b\n", 1, 10),
        ("a: { k: &x v }\n", 1, 9),
        ("a: [b, [c, &x d]]\n", 1, 12),
        ("a: [b,\n  &x c]\n", 2, 3),
        ("a: \"q\"\nb:\n  &x c\n", 3, 3),
        ("a: 'it''s'\n&x b: c\n", 2, 1),
        ("a: |\n  &y text\nb: &x c\n", 3, 4),
    ])
    func anchors_are_found_wherever_a_node_starts(yaml: String, line: Int, column: Int) {
        let finding = YAMLAliasScanner.firstAnchorOrAlias(in: yaml)
        #expect(finding == YAMLAliasScanner.Finding(line: line, column: column, isAlias: false))
    }

    @Test(arguments: [
        "title: R&D\n", "a: b & c *d*\n", "a: \"&x *y\"\n", "a: '&x'\n", "a: [\"&x\", 'it''s *y*']\n",
        "a: >\n  *x*\n  &y\n", "a: text\n  *more* text\n", "a: https://x.org/?a=1&b=*\n", "a: b # &x\n",
        "a: [l'été, b]\n", "- a\n  *b*\n",
    ])
    func text_with_stars_and_ampersands_is_not_an_anchor(yaml: String) {
        #expect(YAMLAliasScanner.firstAnchorOrAlias(in: yaml) == nil)
    }

    @Test func alias_without_anchor_is_refused_with_a_quoting_hint() throws {
        let problem = try #require(rejectPost("---\ntitle: *Nouveau* concert\n---\nTexte\n")?.problems.first)
        #expect(problem.line == 2)
        #expect(problem.column == 8)
        #expect(problem.message.contains("not allowed"))
        #expect(problem.hint?.contains("\"*Nouveau* concert\"") == true)
    }

    @Test func stars_and_ampersands_inside_text_are_not_taken_for_aliases() throws {
        let post = try parsePost("""
            ---
            title: R&D & *culture* à Toulouse
            summary: Concerts gratuits
              *partout* en Occitanie
            channels: [l'agenda, mastodon]
            link: "https://www.example.org/a?x=1&y=*"
            translations:
              oc:
                title: '*Fèsta* & musica'
                body: |
                  *Lo* 21 de junh & mai
                  - *tot* & *res*
            ---
            Texte
            """)
        #expect(post.title == "R&D & *culture* à Toulouse")
        #expect(post.channels == ["l'agenda", "mastodon"])
        #expect(post.summary == "Concerts gratuits *partout* en Occitanie")
        #expect(post.translations["oc"]?.body == "*Lo* 21 de junh & mai\n- *tot* & *res*\n")
        #expect(post.translations["oc"]?.title == "*Fèsta* & musica")
    }

    /// The split as the specification words it, line by line over the whole file: the byte
    /// reading that stops at the closing fence must cut every file the same way.
    @Test func the_split_agrees_with_a_line_by_line_reading_on_every_edge() throws {
        func reference(_ text: String) -> FrontMatter? {
            // Lines cut at each "\n" byte and read as scalars: as Characters, "\r\n" is one.
            let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            func isFence(_ line: String) -> Bool {
                line.unicodeScalars.starts(with: "---".unicodeScalars)
                    && line.unicodeScalars.dropFirst(3).allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
            }
            guard isFence(lines[0]) else { return FrontMatter(yaml: nil, firstLine: 1, body: text, bodyLine: 1) }
            guard let closing = lines.indices.dropFirst().first(where: { isFence(lines[$0]) }) else { return nil }
            var bodyIndex = closing + 1
            if bodyIndex < lines.count - 1, lines[bodyIndex].unicodeScalars.allSatisfy({ $0 == "\r" }) { bodyIndex += 1 }
            return FrontMatter(
                yaml: lines[1..<closing].map { $0 + "\n" }.joined(), firstLine: 2,
                body: bodyIndex < lines.count ? lines[bodyIndex...].joined(separator: "\n") : "", bodyLine: bodyIndex + 1)
        }
        let files = [
            "", "---", "---\n", "---\n---", "---\n---\n", "---\n---\n\n", "---\n---\n\nbody", "---\n---\nbody\n",
            "---\r\ntitle: Fête\r\n---\r\n\r\nCorps 🎉\r\n", "---  \na: b\n--- \t\n\n\nx", "---\na\n---x\n---\nbody",
            "text\n---\n", "---\na: é\n---\n\r\n\r\nrest", "---\na: 1\n", "--\n---\n", "---\n\n---\n\n", "---\na\n---\n\r",
        ]
        for file in files {
            let expected = reference(file)
            let split = try? FrontMatter.split(file)
            #expect(split == expected, "\(file.debugDescription)")
        }
    }

    @Test func one_blank_line_after_the_front_matter_is_dropped_and_the_rest_kept() throws {
        let post = try parsePost("---\ntitle: Un\n---\n\n\n**Texte**  \nsuite\n")
        #expect(post.body == "\n**Texte**  \nsuite\n")
    }

    @Test func windows_line_ends_and_byte_order_mark_are_accepted() throws {
        let text = "\u{FEFF}---\r\ntitle: Fête\r\ntags: [culture]\r\n---\r\nLe texte.\r\n"
        let post = try parsePost(text)
        #expect(post.title == "Fête")
        #expect(post.tags == ["culture"])
        #expect(post.body == "Le texte.\r\n")
    }

    @Test func markdown_without_front_matter_is_all_body_with_the_file_name_as_id() throws {
        let post = try parsePost("# Titre\n\nLe texte.\n", id: "sans-entete")
        #expect(post.id == "sans-entete")
        #expect(post.body == "# Titre\n\nLe texte.\n")
        #expect(post.action == .publish)
    }

    @Test func empty_front_matter_is_accepted() throws {
        let post = try parsePost("---\n---\nLe texte.\n", id: "vide")
        #expect(post.id == "vide")
        #expect(post.body == "Le texte.\n")
    }

    @Test func empty_values_count_as_absent() throws {
        let post = try parsePost("---\ntitle:\nsummary: ~\n---\nLe texte.\n")
        #expect(post.title == nil)
        #expect(post.summary == nil)
    }
}
