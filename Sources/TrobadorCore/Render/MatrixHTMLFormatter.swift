/// Matrix `org.matrix.custom.html`: `formatted_body` uses only tags the Matrix specification
/// suggests clients allow (`p strong em del code pre a ul ol li blockquote h1…h6 hr br`),
/// everything else escaped; `plainText` is the `body`, the plain rendering of the same parts.
struct MatrixHTMLFormatter: RichFormatter {
    func format(_ document: RichDocument) -> FormattedText {
        var html = ""
        var path: [RichContainer] = []
        for block in document.blocks {
            html += Self.transition(from: path, to: block.containers)
            path = block.containers
            html += leaf(block)
        }
        html += Self.transition(from: path, to: [])
        let body = PlainFormatter().format(document).rendered.text
        return FormattedText(rendered: RenderedText(text: html, plainText: body), counted: body)
    }

    private func leaf(_ block: RichBlock) -> String {
        switch block.kind {
        case .paragraph:
            // Items of a tight list hold their text directly, as Markdown renderers write them.
            let content = inlines(block.inlines, base: [])
            return block.containers.last?.list?.tight == true ? content : "<p>" + content + "</p>"
        case .heading(let level):
            let level = min(max(level, 1), 6)
            return "<h\(level)>" + inlines(block.inlines, base: []) + "</h\(level)>"
        case .title:
            return "<p>" + inlines(block.inlines, base: .strong) + "</p>"
        case .codeBlock(let language):
            let code = HTMLEscaping.text(block.inlines.map(\.visibleText).joined())
            let attribute = language.map { " class=\"language-\(HTMLEscaping.attribute($0))\"" } ?? ""
            return "<pre><code\(attribute)>" + code + "</code></pre>"
        case .thematicBreak:
            return "<hr>"
        }
    }

    private func inlines(_ inlines: [RichInline], base: RichMarks) -> String {
        var html = ""
        var nesting = MarkNesting()
        func marks(_ marks: RichMarks) {
            html += nesting.transition(to: marks.union(base), opening: Self.open, closing: Self.close)
        }
        for inline in inlines {
            switch inline {
            case .text(let text, let textMarks):
                marks(textMarks)
                html += HTMLEscaping.text(text).replacingOccurrences(of: "\n", with: "<br>")
            case .code(let code, let codeMarks):
                marks(codeMarks)
                html += "<code>" + HTMLEscaping.text(code) + "</code>"
            case .lineBreak:
                html += "<br>"
            case .hashtag(let tag, let tagMarks):
                marks(tagMarks)
                html += HTMLEscaping.text("#" + tag)
            case .autolink(let url, let display, let linkMarks):
                marks(linkMarks)
                html += Self.link(url, HTMLEscaping.text(display))
            case .link(let url, let children):
                marks([])
                html += Self.link(url, self.inlines(children, base: base))
            }
        }
        html += nesting.transition(to: [], opening: Self.open, closing: Self.close)
        return html
    }

    /// Opens and closes quotes, lists and items between two leaves.
    static func transition(from: [RichContainer], to: [RichContainer]) -> String {
        let shared = zip(from, to).prefix { $0.id == $1.id }.count
        var html = ""
        for index in (shared..<from.count).reversed() {
            switch from[index].kind {
            case .quote:
                html += "</blockquote>"
            case .item(let list, _):
                html += "</li>"
                let listGoesOn = index == shared && index < to.count && to[index].list?.id == list.id
                if !listGoesOn { html += list.ordered ? "</ol>" : "</ul>" }
            }
        }
        for index in shared..<to.count {
            switch to[index].kind {
            case .quote:
                html += "<blockquote>"
            case .item(let list, let number):
                let listGoesOn = index == shared && index < from.count && from[index].list?.id == list.id
                if !listGoesOn {
                    html += !list.ordered ? "<ul>" : number == 1 ? "<ol>" : "<ol start=\"\(number)\">"
                }
                html += "<li>"
            }
        }
        return html
    }

    /// Only web and mail links become anchors; any other scheme stays text.
    private static func link(_ url: String, _ content: String) -> String {
        guard LinkSafety.isWebOrMail(url) else { return content }
        return "<a href=\"\(HTMLEscaping.attribute(url))\">" + content + "</a>"
    }

    private static func open(_ mark: RichMarks) -> String { "<" + tag(mark) + ">" }
    private static func close(_ mark: RichMarks) -> String { "</" + tag(mark) + ">" }

    private static func tag(_ mark: RichMarks) -> String {
        switch mark {
        case .strong: "strong"
        case .emphasis: "em"
        default: "del"
        }
    }
}

/// Which link targets the HTML formats turn into anchors.
enum LinkSafety {
    static func isWebOrMail(_ url: String) -> Bool {
        let lowered = url.lowercased()
        return ["http://", "https://", "mailto:"].contains { lowered.hasPrefix($0) }
    }
}
