import Yams

/// Reads a Markdown post's YAML front matter into a `PostNode` tree, positions counted in
/// the whole file, and turns libyaml's errors into messages a writer can act on.
///
/// Scalars are kept as the text written: `publish_at: 2026-06-21T10:00:00+02:00` stays that
/// text (Yams would resolve it to a timestamp and lose the offset), `lang: no` stays "no".
enum YAMLNodeReader {
    /// The tree of `yaml`, nil when it holds no value at all (an empty front matter).
    /// - Parameter firstLine: the line of the post file where `yaml` starts.
    static func read(_ yaml: String, firstLine: Int) throws(PostRejection) -> PostNode? {
        let offset = firstLine - 1
        if let finding = YAMLAliasScanner.firstAnchorOrAlias(in: yaml) {
            throw PostRejection(aliasProblem(line: finding.line + offset, column: finding.column))
        }
        let parser: Parser
        let root: Node?
        do {
            // Scalars stay text (no tag resolution: its regular expressions cost more than the parse),
            // and UTF-8, as Yams would choose for a native string, without reading the environment each time.
            // Nodes are converted here, never by a Yams constructor: an empty one, rather than the
            // default that builds its tables of tags at every call.
            parser = try Parser(yaml: yaml, resolver: .basic, constructor: Constructor([:], [:], [:]), encoding: .utf8)
            root = try parser.singleRoot()
        } catch let error as YamlError {
            throw PostRejection(YAMLErrorTranslation.problem(for: error, yaml: yaml, lineOffset: offset))
        } catch {
            throw PostRejection(PostProblem(line: firstLine, message: "the front matter could not be read: \(error)"))
        }
        // Anchors are weak references owned by the parser: keep it alive while converting.
        return try withExtendedLifetime(parser) { () throws(PostRejection) -> PostNode? in
            try root.map { node throws(PostRejection) in try convert(node, lineOffset: offset) }
        }
    }

    private static func convert(_ node: Node, lineOffset: Int) throws(PostRejection) -> PostNode {
        let position = PostNode.Position(line: (node.mark?.line ?? 1) + lineOffset, column: node.mark?.column ?? 1)
        // Depth-first in file order: an anchor is always met before any alias to it,
        // so a shared subtree is never walked.
        if node.anchor != nil {
            throw PostRejection(aliasProblem(line: position.line, column: position.column))
        }
        switch node {
        case .scalar(let scalar):
            let isNull = scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
            return PostNode(.scalar(scalar.string, isNull ? .null : .text), at: position)
        case .sequence(let sequence):
            var items: [PostNode] = []
            for item in sequence {
                items.append(try convert(item, lineOffset: lineOffset))
            }
            return PostNode(.sequence(items), at: position)
        case .mapping(let mapping):
            var pairs: [(key: PostNode, value: PostNode)] = []
            for (key, value) in mapping {
                pairs.append((try convert(key, lineOffset: lineOffset), try convert(value, lineOffset: lineOffset)))
            }
            return PostNode(.mapping(pairs), at: position)
        case .alias:
            throw PostRejection(aliasProblem(line: position.line, column: position.column))
        }
    }

    static func aliasProblem(line: Int, column: Int) -> PostProblem {
        PostProblem(
            line: line, column: column,
            message: "YAML anchors (&name) and aliases (*name) are not allowed in a post",
            hint: "Write each value in full where it is needed. If this is text that starts with * or &, such as *Nouveau*, put it in quotes: \"*Nouveau* concert\"."
        )
    }
}
