/// Telegram Bot API HTML (`parse_mode: HTML`): only the tags Telegram lists (`<b> <i> <s>
/// <a href> <code> <pre> <blockquote>`), and `&`, `<`, `>` escaped everywhere else (`"` too in
/// attributes). Telegram's own rules shape the output: code cannot sit inside bold or a link,
/// block quotes do not nest, and the 4096 limit counts the text after the tags are parsed.
struct TelegramHTMLFormatter: RichFormatter {
    /// Quotes are `<blockquote>` elements, not line prefixes.
    private let style = PrefixStyle(quote: "", bullet: "• ")

    func format(_ document: RichDocument) -> FormattedText {
        var writer = TelegramWriter()
        var openQuote: Int?
        for (block, placement) in zip(document.blocks, LeafPlacement.placements(of: document.blocks)) {
            let quote = block.containers.first { $0.kind == .quote }?.id
            if openQuote != nil, quote != openQuote {
                writer.markup("</blockquote>")
                openQuote = nil
            }
            writer.text(style.separator(placement))
            if let quote, openQuote == nil {
                writer.markup("<blockquote>")
                openQuote = quote
            }
            writer.text(style.text(placement.firstLine))
            write(block, linePrefix: style.text(placement.otherLines), to: &writer)
        }
        if openQuote != nil { writer.markup("</blockquote>") }
        return FormattedText(rendered: RenderedText(text: writer.html), counted: writer.visible)
    }

    private func write(_ block: RichBlock, linePrefix: String, to writer: inout TelegramWriter) {
        switch block.kind {
        case .codeBlock(let language):
            let code = block.inlines.map(\.visibleText).joined()
            if let language {
                writer.markup("<pre><code class=\"language-\(HTMLEscaping.attribute(language))\">")
                writer.text(code)
                writer.markup("</code></pre>")
            } else {
                writer.markup("<pre>")
                writer.text(code)
                writer.markup("</pre>")
            }
        case .thematicBreak:
            writer.text("—")
        case .heading, .title:
            write(block.inlines, base: .strong, linePrefix: linePrefix, to: &writer)
        case .paragraph:
            write(block.inlines, base: [], linePrefix: linePrefix, to: &writer)
        }
    }

    private func write(_ inlines: [RichInline], base: RichMarks, linePrefix: String, to writer: inout TelegramWriter) {
        var nesting = MarkNesting()
        func marks(_ marks: RichMarks) {
            writer.markup(nesting.transition(to: marks.union(base), opening: Self.open, closing: Self.close))
        }
        // Code cannot sit inside bold or italic; a link closes them too, so its own marks nest in it.
        func closeAll() {
            writer.markup(nesting.transition(to: [], opening: Self.open, closing: Self.close))
        }
        for inline in inlines {
            switch inline {
            case .text(let text, let textMarks):
                marks(textMarks)
                writer.text(text.replacingOccurrences(of: "\n", with: "\n" + linePrefix))
            case .code(let code, _):
                closeAll()
                writer.markup("<code>")
                writer.text(code)
                writer.markup("</code>")
            case .lineBreak:
                writer.text("\n" + linePrefix)
            case .hashtag(let tag, let tagMarks):
                marks(tagMarks)
                writer.text("#" + tag)
            case .autolink(let url, let display, let linkMarks):
                marks(linkMarks)
                if display == url {
                    writer.text(url)  // Telegram links a bare URL itself.
                } else {
                    writer.link(url) { $0.text(display) }
                }
            case .link(let url, let children):
                closeAll()
                writer.link(url) { inner in
                    // A link cannot hold code: its code shows as text.
                    let flattened = children.map { child -> RichInline in
                        if case .code(let code, let codeMarks) = child { return .text(code, codeMarks) }
                        return child
                    }
                    write(flattened, base: base, linePrefix: linePrefix, to: &inner)
                }
            }
        }
        closeAll()
    }

    private static func open(_ mark: RichMarks) -> String { "<" + tag(mark) + ">" }
    private static func close(_ mark: RichMarks) -> String { "</" + tag(mark) + ">" }

    private static func tag(_ mark: RichMarks) -> String {
        switch mark {
        case .strong: "b"
        case .emphasis: "i"
        default: "s"
        }
    }
}

/// The HTML being written and, beside it, the text Telegram shows once it parsed the tags.
private struct TelegramWriter {
    private(set) var html = ""
    private(set) var visible = ""

    mutating func markup(_ markup: String) {
        html += markup
    }

    mutating func text(_ text: String) {
        html += HTMLEscaping.text(text)
        visible += text
    }

    /// Only web and mail links become anchors; any other scheme stays text.
    mutating func link(_ url: String, _ content: (inout TelegramWriter) -> Void) {
        guard LinkSafety.isWebOrMail(url) else { return content(&self) }
        markup("<a href=\"\(HTMLEscaping.attribute(url))\">")
        content(&self)
        markup("</a>")
    }
}

/// The escaping every HTML format needs.
enum HTMLEscaping {
    /// `&`, `<` and `>`: enough for text, where a quote means nothing.
    static func text(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Text escaping plus `"`, for values between double quotes.
    static func attribute(_ value: String) -> String {
        text(value).replacingOccurrences(of: "\"", with: "&quot;")
    }
}
