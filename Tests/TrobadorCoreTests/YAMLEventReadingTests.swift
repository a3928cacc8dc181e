import Testing
@testable import TrobadorCore

/// Front matter is read from libyaml's events, and by Yams only when something needs its
/// messages: both readings must give the same tree, to the position of every value.
@Suite struct YAMLEventReadingTests {
    /// The tree as text: kinds, values and positions, in file order.
    static func describe(_ node: PostNode?) -> String {
        guard let node else { return "none" }
        let at = "@\(node.position.line):\(node.position.column)"
        switch node.value {
        case .scalar(let text, let kind): return "\(kind)(\(text.debugDescription))\(at)"
        case .sequence(let items): return "[" + items.map { describe($0) }.joined(separator: ", ") + "]\(at)"
        case .mapping(let pairs): return "{" + pairs.map { describe($0.key) + ": " + describe($0.value) }.joined(separator: ", ") + "}\(at)"
        }
    }

    static let written: [String] = [
        "title: Fête de la musique\ntags: [culture, musique]\nlang: fr\n",
        "id: a\ntitle: \"Carte Jeune Région : transports à 1 €\"\nsummary: 'l''été 🎉'\n",
        "tags:\n  - culture\n  - \"musique\"\n  -\n  - ~\nchannels: []\n",
        "event:\n  start: 2026-06-21T17:00:00+02:00\n  end:\n  location: Place du Capitole, Toulouse\n",
        "summary: |\n  Première ligne\n  seconde ligne 🎶\n\nbody: >-\n  plié\n  en une\n",
        "a: null\nb: Null\nc: NULL\nd: ~\ne: \"null\"\nf: ''\ng:\n",
        "lang: no\npublish: yes\nn: 2026\nx: 1.5\ny: true\n",
        "overrides:\n  mastodon: {text: \"Court\", cw: \"spoiler\"}\n  bluesky:\n    text: |-\n      Ligne\n",
        "# a comment\ntitle: Titre # trailing\n\n\n",
        "media:\n  - file: affiche.png\n    alt: \"Affiche orange\\tavec tab \\u00e9 \\x41\"\n  - file: b.jpg\n",
        "title: \"multi\n  line quoted\"\ntags: [a, [b, c], {d: e}]\n",
        "",
        "# only a comment\n",
        "---\ntitle: explicit document\n...\n",
        "!!str title: tagged\nvalue: !!int 12\n",
        "\u{FEFF}title: after a byte order mark\n",
    ]

    @Test func both_readings_give_the_same_tree() throws {
        var inputs = Self.written
        // The examples written in Markdown (the JSON one has no front matter).
        for post in [PostExamples.carteJeune, PostExamples.correctionFeteMusique, PostExamples.pontDuGard,
                     PostExamples.retrait, PostExamples.feteMusiqueBundle] {
            if let yaml = try FrontMatter.split(post).yaml { inputs.append(yaml) }
        }
        #expect(inputs.count == Self.written.count + 4)
        for yaml in inputs {
            guard case .read(let events) = YAMLNodeReader.readEvents(yaml, lineOffset: 3) else {
                Issue.record("left to Yams: \(yaml.debugDescription)")
                continue
            }
            let yams = try YAMLNodeReader.readWithYams(yaml, lineOffset: 3)
            #expect(Self.describe(events) == Self.describe(yams), "\(yaml.debugDescription)")
        }
    }

    @Test func what_needs_yams_words_is_left_to_yams() throws {
        let refused = [
            "title: a\ntitle: b\n",          // a key twice: Yams' message
            "title: [unclosed\n",            // a syntax error: Yams' translation of libyaml's
            "a: b\n---\nc: d\n",             // two documents
            "base: &x 1\nother: *x\n",      // an anchor and an alias
            "? [a, b]\n: c\n",               // a key that is not text
            "title: \"bad \\uD800 escape\"\n",
        ]
        for yaml in refused {
            guard case .leftToYams = YAMLNodeReader.readEvents(yaml, lineOffset: 0) else {
                Issue.record("read without Yams: \(yaml.debugDescription)")
                continue
            }
        }
        // And the reader as a whole still says what Yams said.
        #expect(throws: PostRejection.self) { try YAMLNodeReader.read("title: a\ntitle: b\n", firstLine: 2) }
        #expect(throws: PostRejection.self) { try YAMLNodeReader.read("title: [unclosed\n", firstLine: 2) }
    }
}
