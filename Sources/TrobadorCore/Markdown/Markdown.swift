import CCmark
import Foundation

/// The post body through cmark-gfm, the CommonMark reference parser, with GitHub's
/// autolink and strikethrough extensions: bare URLs become links, as people expect.
public enum Markdown {
    /// HTML for channels and receivers that show HTML. Raw HTML in the source is escaped,
    /// never passed through.
    public static func html(_ source: String) -> String {
        renderedHTML.value(for: ExactText(source)) { key in
            render(key.text) { document, extensions in
                cmark_render_html(document, CMARK_OPT_DEFAULT | CMARK_OPT_SAFE, extensions)
            }
        }
    }

    /// Plain text: the words without Markdown marks, paragraphs kept.
    public static func plainText(_ source: String) -> String {
        renderedText.value(for: ExactText(source)) { renderPlainText($0.text) }
    }

    /// The renderings of the bodies rendered last: every channel a post goes to asks for the
    /// same ones, within moments of each other.
    private static let renderedHTML = RecentValues<ExactText, String>(capacity: 128)
    private static let renderedText = RecentValues<ExactText, String>(capacity: 128)

    private static func renderPlainText(_ source: String) -> String {
        let text = render(source) { document, _ in
            cmark_render_plaintext(document, CMARK_OPT_DEFAULT, 0)
        }
        // The same set as Foundation's `.whitespacesAndNewlines` (Unicode White_Space), without
        // the round trip through NSString that cost more than rendering the text.
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    /// Parses `source` once and hands the root of its syntax tree to `body`, which must not
    /// keep the node: the tree is freed when `body` returns. Nil when cmark cannot allocate.
    static func withSyntaxTree<T>(_ source: String, _ body: (OpaquePointer) -> T) -> T? {
        withParser(source) { _, document in body(document) }
    }

    private static func render(
        _ source: String,
        _ renderer: (OpaquePointer, UnsafeMutablePointer<cmark_llist>?) -> UnsafeMutablePointer<CChar>?
    ) -> String {
        let rendered = withParser(source) { parser, document -> String? in
            guard let output = renderer(document, cmark_parser_get_syntax_extensions(parser)) else { return nil }
            defer { free(output) }
            return String(cString: output)
        }
        return (rendered ?? nil) ?? source
    }

    private static func withParser<T>(_ source: String, _ body: (OpaquePointer, OpaquePointer) -> T) -> T? {
        _ = coreExtensionsRegistered
        guard let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else { return nil }
        defer { cmark_parser_free(parser) }
        for name in ["autolink", "strikethrough"] {
            if let syntax = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntax)
            }
        }
        var bytes = source
        parsing.lock()
        bytes.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parser_feed(parser, chars.baseAddress, chars.count)
            }
        }
        let parsed = cmark_parser_finish(parser)
        parsing.unlock()
        guard let document = parsed else { return nil }
        defer { cmark_node_free(document) }
        return body(parser, document)
    }
}

/// cmark-gfm registers its extensions in a global list without a lock: two posts rendered at
/// once could each find the list half built and parse without strikethrough. A global `let`
/// is initialised once, thread-safely, before any parser reads the list.
private let coreExtensionsRegistered: Bool = {
    cmark_gfm_core_extensions_ensure_registered()
    return true
}()

/// cmark-gfm switches its extensions' trigger characters (`:` and `w` for autolinks, `~`) on
/// and off in one global table around each parse (`cmark_manage_extensions_special_characters`):
/// a parse ending on one thread switched them off under a parse running on another, which
/// then missed its URLs. One parse at a time; rendering the finished tree needs no lock.
private let parsing = NSLock()
