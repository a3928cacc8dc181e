import TrobadorCore

/// The shape of the values templates (and executable plugins, on stdin) receive, so that a
/// template naming a value that will never be there is refused when the plugin is loaded,
/// instead of rendering as an empty string in production. `plugins/README.md` documents it.
indirect enum ValueShape: Sendable, Equatable {
    /// Text, a number or a boolean.
    case scalar
    case list(ValueShape)
    case object([String: ValueShape])
    /// A table whose keys are the operator's (a `headers` setting).
    case table

    /// Where in a request a template is: `remote_id` exists only for edits and deletions.
    /// `reply`: the parts after the first of a thread, which know the ids sent before them.
    enum Phase: Sendable { case create, reply, edit, receiptURL }

    /// The values of one message, for a plugin with these settings.
    static func message(settings: [ChannelSettingSpec], phase: Phase) -> ValueShape {
        var fields: [String: ValueShape] = [
            "text": .scalar, "plain_text": .scalar, "fit": .scalar, "part": .scalar, "parts": .scalar,
            "id": .scalar, "title": .scalar, "heading": .scalar, "body": .scalar, "summary": .scalar, "link": .scalar,
            "link_host": .scalar, "lang": .scalar,
            "tags": .list(.scalar), "publish_at": .scalar,
            "event": .object(["start": .scalar, "end": .scalar, "location": .scalar, "text": .scalar]),
            "media": .list(.object(["file": .scalar, "alt": .scalar, "type": .scalar, "size": .scalar, "sha256": .scalar])),
            "action": .scalar, "version": .scalar, "attempt": .scalar, "idempotency_key": .scalar, "channel": .scalar,
            "settings": .object(Dictionary(uniqueKeysWithValues: settings.map { ($0.key, Self.shape(of: $0.kind)) })),
        ]
        if phase == .edit || phase == .receiptURL {
            fields["remote_id"] = .scalar
            fields["remote_url"] = .scalar
        }
        if phase == .reply { fields["thread"] = .object(["first_id": .scalar, "previous_id": .scalar]) }
        return .object(fields)
    }

    /// Names that exist in another phase, to say why they are refused here.
    static let editOnly: Set<String> = ["remote_id", "remote_url"]

    static func shape(of kind: ChannelSettingSpec.Kind) -> ValueShape {
        switch kind {
        case .string, .url, .integer, .boolean: .scalar
        case .stringList: .list(.scalar)
        case .stringTable: .table
        }
    }

    var fieldNames: [String] {
        if case .object(let fields) = self { return fields.keys.sorted() }
        return []
    }
}

/// Checks a template's tags against the values it will receive.
struct TemplateChecker {
    var root: ValueShape

    static let stringTransforms: Set<String> = ["empty", "capitalized", "lowercased", "uppercased", "reversed"]
    static let listTransforms: Set<String> = ["first", "last", "reversed", "count", "empty", "sorted"]
    static let sequenceTransforms: Set<String> = ["first", "last", "index", "even", "odd"]

    /// Each problem with the position of its tag in the template.
    func problems(in tags: [TemplateTag]) -> [(tag: TemplateTag, message: String)] {
        var problems: [(TemplateTag, String)] = []
        // Innermost last: the values a name can be looked up in, as Mustache climbs its stack.
        var scopes: [ValueShape] = [root]
        // Whether each open section iterates a list (sequence transforms are valid inside).
        var inList: [Bool] = []
        for tag in tags {
            switch tag.kind {
            case .comment:
                continue
            case .unsupported(let what):
                problems.append((tag, "\(what) are not supported in plugin templates"))
            case .sectionEnd:
                if scopes.count > 1 { scopes.removeLast() }
                if !inList.isEmpty { inList.removeLast() }
            case .escaped, .raw, .section, .invertedSection:
                let resolved = resolve(tag, scopes: scopes, inList: inList.last ?? false)
                if case .failure(let refusal) = resolved { problems.append((tag, refusal.message)) }
                if tag.kind == .section || tag.kind == .invertedSection {
                    let shape = (try? resolved.get()) ?? .scalar
                    if tag.kind == .section, case .list(let element) = shape, tag.transforms.isEmpty {
                        scopes.append(element)
                        inList.append(true)
                    } else {
                        scopes.append(tag.kind == .section ? shape : scopes[scopes.count - 1])
                        inList.append(inList.last ?? false)
                    }
                }
            }
        }
        return problems
    }

    private struct Refusal: Error { var message: String }

    private func resolve(_ tag: TemplateTag, scopes: [ValueShape], inList: Bool) -> Result<ValueShape, Refusal> {
        if tag.name.isEmpty {
            guard inList, let transform = tag.transforms.first, Self.sequenceTransforms.contains(transform) else {
                return .failure(Refusal(message: "`\(tag.transforms.first ?? "")()` means something only inside a list's section, as a position: first(), last(), index(), even(), odd()"))
            }
            return .success(.scalar)
        }
        var shape: ValueShape
        let segments = tag.name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if tag.name == "." {
            shape = scopes[scopes.count - 1]
        } else {
            guard let first = segments.first, !first.isEmpty else {
                return .failure(Refusal(message: "`\(tag.name)`: names are looked up from the top; write it without the leading dot"))
            }
            guard let found = scopes.reversed().lazy.compactMap({ Self.field(first, of: $0) }).first else {
                return .failure(Refusal(message: unknownName(first, in: tag.name)))
            }
            shape = found
            for (depth, segment) in segments.enumerated().dropFirst() {
                guard let next = Self.field(segment, of: shape) else {
                    let path = segments.prefix(depth).joined(separator: ".")
                    let known = shape.fieldNames
                    let list = known.isEmpty ? "it has none" : "it has " + known.joined(separator: ", ")
                    return .failure(Refusal(message: "`\(tag.name)`: `\(path)` has no `\(segment)` (\(list))"))
                }
                shape = next
            }
        }
        for transform in tag.transforms.reversed() {
            let allowed: Set<String> = if case .list = shape { Self.listTransforms } else { Self.stringTransforms }
            guard allowed.contains(transform) else {
                return .failure(Refusal(message: "`\(transform)(\(tag.name))`: unknown transform (known: \(allowed.sorted().joined(separator: ", ")))"))
            }
            shape = .scalar
        }
        return .success(shape)
    }

    private func unknownName(_ name: String, in full: String) -> String {
        if name == "thread" {
            return "`\(full)` is known only in [reply], the request for the parts after the first of a thread"
        }
        if ValueShape.editOnly.contains(name) {
            return "`\(full)` is known only in [update] and [delete] requests (and a receipt's url_template): a new message has no remote id yet"
        }
        return "`\(full)` is not a value templates receive (they have \(root.fieldNames.joined(separator: ", ")); settings are under `settings.`)"
    }

    private static func field(_ name: String, of shape: ValueShape) -> ValueShape? {
        switch shape {
        case .object(let fields): fields[name]
        case .table: .scalar
        case .scalar, .list: nil
        }
    }
}
