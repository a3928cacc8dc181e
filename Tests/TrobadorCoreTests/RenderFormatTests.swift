import Testing
@testable import TrobadorCore

/// Every format, exactly, on the same bodies: one with structure, one real post.
@Suite struct RenderFormatTests {
    static let structured = """
        ## Programme

        - **Concerts** à *Toulouse*
        - Bals ~~annulés~~ maintenus

        > « La musique adoucit les mœurs »

        Voir [le programme](https://www.example.org/agenda?utm_source=reseaux&utm_medium=social) & `code <b>`.
        """

    static let programmeURL = "https://www.example.org/agenda?utm_source=reseaux&utm_medium=social"

    func render(_ body: String, _ format: TextFormat) -> String {
        ParsedBody(markdown: body).rendered(as: format).text
    }

    @Test func plain_drops_marks_and_writes_links_as_text_then_url() {
        #expect(render(Self.structured, .plain) == """
            Programme

            • Concerts à Toulouse
            • Bals annulés maintenus

            > « La musique adoucit les mœurs »

            Voir le programme (\(Self.programmeURL)) & code <b>.
            """)
    }

    @Test func mastodon_and_bluesky_show_the_plain_text() {
        #expect(render(Self.structured, .mastodon) == render(Self.structured, .plain))
        #expect(render(Self.structured, .bluesky) == render(Self.structured, .plain))
    }

    @Test func telegram_uses_its_tags_and_escapes_the_rest() {
        #expect(render(Self.structured, .telegramHTML) == """
            <b>Programme</b>

            • <b>Concerts</b> à <i>Toulouse</i>
            • Bals <s>annulés</s> maintenus

            <blockquote>« La musique adoucit les mœurs »</blockquote>

            Voir <a href="https://www.example.org/agenda?utm_source=reseaux&amp;utm_medium=social">le programme</a> \
            &amp; <code>code &lt;b&gt;</code>.
            """)
    }

    @Test func matrix_gives_html_and_the_plain_body_beside_it() {
        let rendered = ParsedBody(markdown: Self.structured).rendered(as: .matrixHTML)
        #expect(rendered.text == """
            <h2>Programme</h2><ul><li><strong>Concerts</strong> à <em>Toulouse</em></li>\
            <li>Bals <del>annulés</del> maintenus</li></ul>\
            <blockquote><p>« La musique adoucit les mœurs »</p></blockquote>\
            <p>Voir <a href="https://www.example.org/agenda?utm_source=reseaux&amp;utm_medium=social">le programme</a> \
            &amp; <code>code &lt;b&gt;</code>.</p>
            """)
        #expect(rendered.plainText == render(Self.structured, .plain))
    }

    @Test func slack_uses_mrkdwn_marks_and_angle_links() {
        #expect(render(Self.structured, .slackMrkdwn) == """
            *Programme*

            • *Concerts* à _Toulouse_
            • Bals ~annulés~ maintenus

            > « La musique adoucit les mœurs »

            Voir <https://www.example.org/agenda?utm_source=reseaux&amp;utm_medium=social|le programme> \
            &amp; `code &lt;b&gt;`.
            """)
    }

    @Test func discord_keeps_markdown_with_short_headings() {
        #expect(render(Self.structured, .discordMarkdown) == """
            ## Programme

            - **Concerts** à *Toulouse*
            - Bals ~~annulés~~ maintenus

            > « La musique adoucit les mœurs »

            Voir [le programme](\(Self.programmeURL)) & `code <b>`.
            """)
    }

    @Test func teams_keeps_only_what_a_text_block_shows() {
        #expect(render(Self.structured, .teamsMarkdown) == """
            **Programme**

            - **Concerts** à _Toulouse_
            - Bals annulés maintenus

            │ « La musique adoucit les mœurs »

            Voir [le programme](\(Self.programmeURL)) & code <b>.
            """)
    }

    @Test func ntfy_escapes_what_commonmark_would_read() {
        #expect(render(Self.structured, .ntfyMarkdown) == """
            ## Programme

            - **Concerts** à _Toulouse_
            - Bals ~~annulés~~ maintenus

            > « La musique adoucit les mœurs »

            Voir [le programme](\(Self.programmeURL)) \\& `code <b>`.
            """)
    }

    @Test func french_post_with_bold_price_and_bare_url_in_every_format() throws {
        let body = try parsePost(PostExamples.carteJeune, id: "carte-jeune").body
        let first = "Tu as entre 15 et 26 ans ? Avec la %Carte Jeune Région%, tes trajets en train liO sont à %1 €%, "
            + "et tu as droit à des réductions sur la culture et le sport 🎟️."
        let second = "La demande se fait en ligne, en 5 minutes, avec une pièce d'identité : "
        let third = "Beaucoup de jeunes ne savent pas encore qu'ils y ont droit : partage autour de toi ! #Jeunesse #Occitanie"
        let url = "https://www.example.org/aides/carte-jeune"
        func expected(bold: (String, String), url shownURL: String) -> String {
            var text = first
            var opening = true
            while let range = text.range(of: "%") {
                text.replaceSubrange(range, with: opening ? bold.0 : bold.1)
                opening.toggle()
            }
            return text + "\n\n" + second + shownURL + "\n\n" + third
        }
        #expect(render(body, .plain) == expected(bold: ("", ""), url: url))
        #expect(render(body, .telegramHTML) == expected(bold: ("<b>", "</b>"), url: url))
        #expect(render(body, .slackMrkdwn) == expected(bold: ("*", "*"), url: "<\(url)>"))
        #expect(render(body, .discordMarkdown) == expected(bold: ("**", "**"), url: url))
        #expect(render(body, .teamsMarkdown) == expected(bold: ("**", "**"), url: "[\(url)](\(url))"))
        #expect(render(body, .ntfyMarkdown) == expected(bold: ("**", "**"), url: "<\(url)>"))
        #expect(render(body, .matrixHTML) == "<p>" + expected(bold: ("<strong>", "</strong>"), url: "<a href=\"\(url)\">\(url)</a>")
            .replacingOccurrences(of: "\n\n", with: "</p><p>") + "</p>")
    }

    @Test func soft_line_breaks_are_spaces_and_hard_breaks_stay() {
        let body = "Scènes\nouvertes aux jeunes.  \nNouvelle ligne\\\net une autre."
        #expect(render(body, .plain) == "Scènes ouvertes aux jeunes.\nNouvelle ligne\net une autre.")
        #expect(render(body, .matrixHTML) == "<p>Scènes ouvertes aux jeunes.<br>Nouvelle ligne<br>et une autre.</p>")
        #expect(render(body, .ntfyMarkdown) == "Scènes ouvertes aux jeunes.\\\nNouvelle ligne\\\net une autre.")
    }

    @Test func nested_and_ordered_lists_keep_their_numbers_and_indentation() {
        let body = "3. trois\n4. quatre\n   - dedans\n\nAprès."
        #expect(render(body, .plain) == "3. trois\n4. quatre\n   • dedans\n\nAprès.")
        #expect(render(body, .discordMarkdown) == "3. trois\n4. quatre\n   - dedans\n\nAprès.")
        #expect(render(body, .matrixHTML)
            == "<ol start=\"3\"><li>trois</li><li>quatre<ul><li>dedans</li></ul></li></ol><p>Après.</p>")
    }

    @Test func code_blocks_keep_their_lines_and_language() {
        let body = "```swift\nlet prix = 1 < 2\n```"
        #expect(render(body, .plain) == "let prix = 1 < 2")
        #expect(render(body, .telegramHTML) == "<pre><code class=\"language-swift\">let prix = 1 &lt; 2</code></pre>")
        #expect(render(body, .discordMarkdown) == "```swift\nlet prix = 1 < 2\n```")
        #expect(render(body, .slackMrkdwn) == "```\nlet prix = 1 &lt; 2\n```")
    }

    @Test func markdown_formats_escape_characters_that_come_from_the_text() {
        let body = #"Tarif \*réduit\* pour les 15\_26 ans, [pas un lien\], 2026\. fin"#
        #expect(render(body, .discordMarkdown) == #"Tarif \*réduit\* pour les 15\_26 ans, \[pas un lien\], 2026. fin"#)
        #expect(render("\\- pas une liste\n\n\\# pas un titre", .ntfyMarkdown) == "\\- pas une liste\n\n\\# pas un titre")
        #expect(render("Mention <@123> et ||spoiler||", .discordMarkdown) == #"Mention \<@123\> et \|\|spoiler\|\|"#)
    }

    @Test func raw_html_in_the_body_is_text_everywhere() {
        let body = "<script>alert(1)</script>\n\nTexte <i>brut</i>"
        #expect(render(body, .telegramHTML) == "&lt;script&gt;alert(1)&lt;/script&gt;\n\nTexte &lt;i&gt;brut&lt;/i&gt;")
        #expect(render(body, .matrixHTML) == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><p>Texte &lt;i&gt;brut&lt;/i&gt;</p>")
        #expect(render(body, .slackMrkdwn) == "&lt;script&gt;alert(1)&lt;/script&gt;\n\nTexte &lt;i&gt;brut&lt;/i&gt;")
    }

    @Test func links_to_other_schemes_are_not_anchors_in_html() {
        let body = "[clic](javascript:alert(1)) et [écrire](mailto:contact@example.org)"
        #expect(render(body, .matrixHTML) == "<p>clic et <a href=\"mailto:contact@example.org\">écrire</a></p>")
        #expect(render(body, .telegramHTML) == "clic et <a href=\"mailto:contact@example.org\">écrire</a>")
    }

    @Test func nested_emphasis_closes_in_reverse_order() {
        let body = "***gras et italique*** puis **gras _mêlé_ encore**"
        #expect(render(body, .telegramHTML) == "<b><i>gras et italique</i></b> puis <b>gras <i>mêlé</i> encore</b>")
        #expect(render(body, .slackMrkdwn) == "*_gras et italique_* puis *gras _mêlé_ encore*")
        #expect(render(body, .discordMarkdown) == "***gras et italique*** puis **gras *mêlé* encore**")
    }

    @Test func telegram_output_of_hostile_text_has_only_its_tags_and_entities() {
        let body = """
            Prix < 5 € & "tarif" > 2 — <b>faux gras</b> &amp; **vrai `code` gras** \
            [a&b "c"](https://example.org/?a=1&b="2"<) ~~barré [lien](https://example.org)~~

            > citation > imbriquée
            > > deux fois
            """
        let html = render(body, .telegramHTML)
        #expect(TelegramHTMLCheck.problem(in: html) == nil, "\(html)")
        #expect(html.contains("Prix &lt; 5 € &amp; \"tarif\" &gt; 2"))
        // `&amp;` in Markdown is an entity for `&`; code closes the bold around it, as Telegram
        // allows no entity inside code.
        #expect(html.contains("&lt;b&gt;faux gras&lt;/b&gt; &amp; <b>vrai </b><code>code</code><b> gras</b>"))
        #expect(html.hasSuffix("<blockquote>citation &gt; imbriquée\n\ndeux fois</blockquote>"))
    }
}
