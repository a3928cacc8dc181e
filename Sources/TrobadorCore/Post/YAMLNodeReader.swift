import CYaml
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
        if case .read(let root) = readEvents(yaml, lineOffset: offset) { return root }
        return try readWithYams(yaml, lineOffset: offset)
    }

    /// The tree as Yams composes it, converted; what a front matter `readEvents` leaves to
    /// Yams goes through here, and the tests compare the two readings.
    static func readWithYams(_ yaml: String, lineOffset offset: Int) throws(PostRejection) -> PostNode? {
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
            throw PostRejection(PostProblem(line: offset + 1, message: "the front matter could not be read: \(error)"))
        }
        // Anchors are weak references owned by the parser: keep it alive while converting.
        return try withExtendedLifetime(parser) { () throws(PostRejection) -> PostNode? in
            try root.map { node throws(PostRejection) in try convert(node, lineOffset: offset) }
        }
    }

    enum EventReading {
        /// The tree, nil for a stream without a document.
        case read(PostNode?)
        /// Something Yams must look at: an error to translate, an anchor or alias, a key twice
        /// in one mapping, more than one document.
        case leftToYams
    }

    /// The tree of a front matter read from libyaml's events, as `convert` makes it from Yams'
    /// nodes (same scalars, null rule and positions), without Yams' node tree: a class per
    /// event and tag, and a Foundation conversion per scalar, cost more than the parse itself,
    /// and every post of a backlog goes through here. Whatever is not a plain well-formed front
    /// matter (see `EventReading.leftToYams`) is read again by Yams, so that errors and
    /// refusals stay Yams' own, word for word.
    static func readEvents(_ yaml: String, lineOffset: Int) -> EventReading {
        enum Open {
            case sequence([PostNode], PostNode.Position)
            case mapping([(key: PostNode, value: PostNode)], key: PostNode?, PostNode.Position)
        }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) != 0 else { return .leftToYams }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        var text = yaml
        return text.withUTF8 { bytes -> EventReading in
            yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
            var open: [Open] = []
            var root: PostNode? = nil
            var documents = 0
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) != 0 else { return .leftToYams }
                defer { yaml_event_delete(&event) }
                let position = PostNode.Position(
                    line: Int(event.start_mark.line) + 1 + lineOffset, column: Int(event.start_mark.column) + 1)
                var finished: PostNode? = nil
                switch event.type {
                case YAML_STREAM_START_EVENT, YAML_DOCUMENT_END_EVENT:
                    continue
                case YAML_STREAM_END_EVENT:
                    return .read(root)
                case YAML_DOCUMENT_START_EVENT:
                    documents += 1
                    if documents > 1 { return .leftToYams }
                    continue
                case YAML_SCALAR_EVENT:
                    let scalar = event.data.scalar
                    guard scalar.anchor == nil,
                          let value = String(validating: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
                    else { return .leftToYams }
                    let isNull = scalar.style == YAML_PLAIN_SCALAR_STYLE && ["", "~", "null", "Null", "NULL"].contains(value)
                    finished = PostNode(.scalar(value, isNull ? .null : .text), at: position)
                case YAML_SEQUENCE_START_EVENT:
                    guard event.data.sequence_start.anchor == nil else { return .leftToYams }
                    open.append(.sequence([], position))
                    continue
                case YAML_MAPPING_START_EVENT:
                    guard event.data.mapping_start.anchor == nil else { return .leftToYams }
                    open.append(.mapping([], key: nil, position))
                    continue
                case YAML_SEQUENCE_END_EVENT:
                    guard case .sequence(let items, let start)? = open.popLast() else { return .leftToYams }
                    finished = PostNode(.sequence(items), at: start)
                case YAML_MAPPING_END_EVENT:
                    guard case .mapping(let pairs, nil, let start)? = open.popLast() else { return .leftToYams }
                    // Yams refuses a key written twice, with its own message.
                    var keys = Set<String>()
                    for pair in pairs {
                        guard case .scalar(let key, _) = pair.key.value, keys.insert(key).inserted else { return .leftToYams }
                    }
                    finished = PostNode(.mapping(pairs), at: start)
                default:
                    return .leftToYams  // an alias
                }
                guard let node = finished else { continue }
                switch open.popLast() {
                case nil:
                    root = node
                case .sequence(var items, let start):
                    items.append(node)
                    open.append(.sequence(items, start))
                case .mapping(var pairs, let key?, let start):
                    pairs.append((key, node))
                    open.append(.mapping(pairs, key: nil, start))
                case .mapping(let pairs, nil, let start):
                    open.append(.mapping(pairs, key: node, start))
                }
            }
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
