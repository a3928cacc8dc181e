import Foundation

/// One `{{...}}` tag of a template, where it is, and what it names, for checking templates
/// against the values they may use before any post is sent.
///
/// swift-mustache parses the template (and reports its syntax errors); this scan only reads
/// the tags of a template that parsed, because the parser does not expose its tokens.
struct TemplateTag: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// `{{name}}`: escaped for where the template's output goes.
        case escaped
        /// `{{{name}}}` or `{{& name}}`: inserted as it is.
        case raw
        case section
        case invertedSection
        case sectionEnd
        case comment
        /// Partials, blocks, delimiter changes and pragmas: refused in plugin templates.
        case unsupported(String)
    }

    var kind: Kind
    /// The value's dotted name (`settings.url`, `.`), without transforms; empty for the
    /// sequence transforms such as `first()`.
    var name: String
    /// Transforms applied, outermost first: `{{lowercased(title)}}` is `["lowercased"]`.
    var transforms: [String]
    /// 1-based, in the template's own text.
    var line: Int
    var column: Int

    /// Every tag of `source`, in order.
    static func scan(_ source: String) -> [TemplateTag] {
        var tags: [TemplateTag] = []
        let characters = Array(source)
        var index = 0
        var line = 1
        var column = 1
        func advance(_ count: Int) {
            for _ in 0..<count where index < characters.count {
                if characters[index] == "\n" { line += 1; column = 1 } else { column += 1 }
                index += 1
            }
        }
        while index < characters.count {
            guard characters[index] == "{", index + 1 < characters.count, characters[index + 1] == "{" else {
                advance(1)
                continue
            }
            let (startLine, startColumn) = (line, column)
            advance(2)
            var kind = Kind.escaped
            var closing = "}}"
            if index < characters.count {
                switch characters[index] {
                case "{": kind = .raw; closing = "}}}"; advance(1)
                case "&": kind = .raw; advance(1)
                case "#": kind = .section; advance(1)
                case "^": kind = .invertedSection; advance(1)
                case "/": kind = .sectionEnd; advance(1)
                case "!": kind = .comment; advance(1)
                case ">": kind = .unsupported("partials ({{> name}})"); advance(1)
                case "<": kind = .unsupported("parent templates ({{< name}})"); advance(1)
                case "$": kind = .unsupported("blocks ({{$ name}})"); advance(1)
                case "=": kind = .unsupported("changing the delimiters ({{= ... =}})"); advance(1)
                case "%": kind = .unsupported("pragmas ({{% ... }})"); advance(1)
                default: break
                }
            }
            var inside = ""
            while index < characters.count, !String(characters[index..<min(index + closing.count, characters.count)]).hasPrefix(closing) {
                inside.append(characters[index])
                advance(1)
            }
            advance(closing.count)
            let (name, transforms) = Self.parseName(inside.trimmingCharacters(in: .whitespaces))
            tags.append(TemplateTag(kind: kind, name: name, transforms: transforms, line: startLine, column: startColumn))
        }
        return tags
    }

    /// `lowercased(title)` → (`title`, [`lowercased`]); `first()` → (``, [`first`]).
    private static func parseName(_ text: String) -> (String, [String]) {
        guard text.contains("(") else { return (text, []) }
        var transforms: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "(") {
            transforms.append(String(rest[..<open]))
            rest = rest[rest.index(after: open)...]
        }
        return (String(rest.prefix { $0 != ")" }), transforms)
    }
}
