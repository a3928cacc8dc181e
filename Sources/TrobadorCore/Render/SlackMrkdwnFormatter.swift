/// Slack mrkdwn: `*bold*`, `_italic_`, `~strike~`, `` `code` ``, ```` ``` ```` blocks, `>` quotes
/// and `<url|text>` links. Slack reads `&`, `<` and `>` as control characters, so they are
/// escaped as `&amp;`, `&lt;`, `&gt;` everywhere they come from the text, URLs included.
/// Headings and the title are bold lines (mrkdwn has no headings); lists are `•` / `1.` lines.
struct SlackMrkdwnFormatter: RichFormatter {
    private let style = PrefixStyle(quote: "> ", bullet: "• ")

    func format(_ document: RichDocument) -> FormattedText {
        var text = ""
        for (block, placement) in zip(document.blocks, LeafPlacement.placements(of: document.blocks)) {
            text += style.separator(placement) + style.text(placement.firstLine)
            let linePrefix = style.text(placement.otherLines)
            switch block.kind {
            case .codeBlock:
                let code = Self.escape(block.inlines.map(\.visibleText).joined())
                text += ("```\n" + code + "\n```").replacingOccurrences(of: "\n", with: "\n" + linePrefix)
            case .thematicBreak:
                text += "—"
            case .heading, .title:
                text += inlines(block.inlines, base: .strong, linePrefix: linePrefix)
            case .paragraph:
                text += inlines(block.inlines, base: [], linePrefix: linePrefix)
            }
        }
        return FormattedText(rendered: RenderedText(text: text))
    }

    private func inlines(_ inlines: [RichInline], base: RichMarks, linePrefix: String) -> String {
        var text = ""
        var nesting = MarkNesting()
        func marks(_ marks: RichMarks) {
            text += nesting.transition(to: marks.union(base), opening: Self.mark, closing: Self.mark)
        }
        for inline in inlines {
            switch inline {
            case .text(let words, let wordMarks):
                marks(wordMarks)
                text += Self.escape(words).replacingOccurrences(of: "\n", with: "\n" + linePrefix)
            case .code(let code, let codeMarks):
                marks(codeMarks)
                text += "`" + Self.escape(code) + "`"
            case .lineBreak:
                text += "\n" + linePrefix
            case .hashtag(let tag, let tagMarks):
                marks(tagMarks)
                text += Self.escape("#" + tag)
            case .autolink(let url, let display, let linkMarks):
                marks(linkMarks)
                text += display == url ? "<" + Self.escapeURL(url) + ">" : Self.link(url, label: display)
            case .link(let url, let children):
                marks([])
                text += Self.link(url, label: children.map(\.visibleText).joined())
            }
        }
        text += nesting.transition(to: [], opening: Self.mark, closing: Self.mark)
        return text
    }

    private static func link(_ url: String, label: String) -> String {
        "<" + escapeURL(url) + "|" + escape(label.replacingOccurrences(of: "\n", with: " ")) + ">"
    }

    /// `|` would end the URL part of `<url|text>`; it is percent-encoded, as in any URL.
    private static func escapeURL(_ url: String) -> String {
        escape(url).replacingOccurrences(of: "|", with: "%7C")
    }

    static func escape(_ text: String) -> String {
        HTMLEscaping.text(text)
    }

    private static func mark(_ mark: RichMarks) -> String {
        switch mark {
        case .strong: "*"
        case .emphasis: "_"
        default: "~"
        }
    }
}
