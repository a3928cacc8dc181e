/// Finds YAML anchors (`&name`) and aliases (`*name`) in front matter text before it is
/// composed.
///
/// Aliases are refused because a few lines of them describe a tree of billions of nodes
/// (a "YAML bomb"). Yams composes aliases by sharing nodes, which is cheap, but it hashes
/// mapping keys to find duplicates, and an alias used as a key would be walked in full. So
/// this scan runs first, over the text: it follows quotes, flow collections, block scalars
/// and multi-line plain scalars well enough to see where a node starts, and reports the
/// first `&` or `*` found there. `YAMLNodeReader` also refuses any anchored node it meets,
/// in case a construct slips past this scan.
struct YAMLAliasScanner {
    /// An anchor or alias indicator and its 1-based position in the scanned text.
    struct Finding: Equatable {
        var line: Int
        var column: Int
        var isAlias: Bool
    }

    private enum Quote { case single, double }

    private var quote: Quote?
    private var flowDepth = 0
    /// In a flow collection: the next non-space character starts a node.
    private var expectingFlowNode = false
    /// Lines indented more than this continue a block or plain scalar: they hold no nodes.
    private var continuationIndent: Int?

    /// The first anchor or alias of `yaml`, if any.
    static func firstAnchorOrAlias(in yaml: String) -> Finding? {
        // An anchor starts with `&`, an alias with `*`: most front matter has neither, and
        // needs no scan line by line.
        guard yaml.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "*") }) else { return nil }
        var scanner = YAMLAliasScanner()
        var lineNumber = 0
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let scalars = Array(line.unicodeScalars)
            if let column = scanner.scan(scalars) {
                return Finding(line: lineNumber, column: column + 1, isAlias: scalars[column] == "*")
            }
        }
        return nil
    }

    /// Scans one line; returns the 0-based column of an anchor or alias.
    private mutating func scan(_ line: [Unicode.Scalar]) -> Int? {
        var index = 0
        if let quote {
            guard let end = Self.closingQuote(line, from: 0, quote) else { return nil }
            self.quote = nil
            index = end + 1
            if flowDepth > 0 { return scanFlow(line, from: index) }
            return afterBlockNode(line, from: index, parent: 0)
        }
        if flowDepth > 0 { return scanFlow(line, from: 0) }
        let indent = line.prefix { $0 == " " }.count
        let isBlank = line.dropFirst(indent).allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
        if let continuationIndent {
            if isBlank || indent > continuationIndent { return nil }
            self.continuationIndent = nil
        }
        if isBlank || line[indent] == "#" { return nil }
        return blockNode(line, from: indent, parent: indent)
    }

    /// At the start of a node in block context; `parent` is the indentation of the node
    /// that holds it, which continuation lines must exceed.
    private mutating func blockNode(_ line: [Unicode.Scalar], from start: Int, parent: Int) -> Int? {
        var index = start
        var parent = parent
        while index < line.count {
            let scalar = line[index]
            let next = index + 1 < line.count ? line[index + 1] : " "
            switch scalar {
            case " ", "\t":
                index += 1
            case "-" where Self.isSpace(next), "?" where Self.isSpace(next), ":" where Self.isSpace(next):
                if scalar == "-" { parent = index }
                index += 2
            case "*", "&":
                return index
            case "!":
                while index < line.count, line[index] != " " { index += 1 }
            case "#":
                return nil
            case "\"", "'":
                let kind: Quote = scalar == "\"" ? .double : .single
                guard let end = Self.closingQuote(line, from: index + 1, kind) else {
                    quote = kind
                    return nil
                }
                return afterBlockNode(line, from: end + 1, parent: parent)
            case "[", "{":
                flowDepth = 1
                expectingFlowNode = true
                return scanFlow(line, from: index + 1)
            case "|", ">":
                continuationIndent = parent
                return nil
            default:
                // A plain scalar: a key if `: ` follows on this line, else a value that
                // may continue on the more indented lines below.
                if let colon = Self.keySeparator(line, from: index) {
                    parent = index
                    index = colon + 1
                } else {
                    continuationIndent = parent
                    return nil
                }
            }
        }
        return nil
    }

    /// After a quoted scalar or a flow collection in block context: a key if `:` follows.
    private mutating func afterBlockNode(_ line: [Unicode.Scalar], from start: Int, parent: Int) -> Int? {
        var index = start
        while index < line.count, line[index] == " " || line[index] == "\t" { index += 1 }
        guard index < line.count, line[index] == ":" else { return nil }
        return blockNode(line, from: index + 1, parent: parent)
    }

    /// Inside `[...]` or `{...}`, which may span lines.
    private mutating func scanFlow(_ line: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start
        while index < line.count {
            let scalar = line[index]
            switch scalar {
            case " ", "\t", "\r":
                index += 1
                continue
            case "#" where index == 0 || line[index - 1] == " " || line[index - 1] == "\t":
                return nil
            case "[", "{":
                flowDepth += 1
                expectingFlowNode = true
            case "]", "}":
                flowDepth -= 1
                expectingFlowNode = false
                if flowDepth == 0 { return afterBlockNode(line, from: index + 1, parent: 0) }
            case ",", ":", "?":
                expectingFlowNode = true
            case "*" where expectingFlowNode, "&" where expectingFlowNode:
                return index
            case "\"" where expectingFlowNode, "'" where expectingFlowNode:
                let kind: Quote = scalar == "\"" ? .double : .single
                expectingFlowNode = false
                guard let end = Self.closingQuote(line, from: index + 1, kind) else {
                    quote = kind
                    return nil
                }
                index = end
            case "!" where expectingFlowNode:
                while index < line.count, line[index] != " " { index += 1 }
                continue
            default:
                expectingFlowNode = false
            }
            index += 1
        }
        return nil
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\r"
    }

    /// The index of the quote closing a scalar opened before `start`, if on this line.
    private static func closingQuote(_ line: [Unicode.Scalar], from start: Int, _ quote: Quote) -> Int? {
        var index = start
        while index < line.count {
            switch (quote, line[index]) {
            case (.double, "\\"):
                index += 2
                continue
            case (.double, "\""):
                return index
            case (.single, "'"):
                if index + 1 < line.count, line[index + 1] == "'" {
                    index += 2
                    continue
                }
                return index
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// The index of the `:` ending a plain key that starts at `start`, if the line has one
    /// before a comment.
    private static func keySeparator(_ line: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start
        while index < line.count {
            let scalar = line[index]
            if scalar == "#", index > start, line[index - 1] == " " || line[index - 1] == "\t" { return nil }
            if scalar == ":" {
                let next = index + 1 < line.count ? line[index + 1] : " "
                if next == " " || next == "\t" || next == "\r" { return index }
            }
            index += 1
        }
        return nil
    }
}
