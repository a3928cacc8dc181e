import Foundation

/// Groups of fields: `event`, `media`, `translations`, `overrides`.
extension PostFieldReader {
    /// The fields of a group, or nil (reported) when the value is not a group.
    private mutating func group(_ node: PostNode, field: String, known: [String]?, example: String) -> [(name: String, key: PostNode, value: PostNode)]? {
        if case .mapping = node.value { return entries(of: node, path: field, known: known) }
        if !node.isNull {
            report(field, at: node.position, "must be a group of fields, but it is \(node.kindDescription)",
                   hint: "Write it as \(example).")
        }
        return nil
    }

    mutating func event(_ node: PostNode) -> PostEvent? {
        let example = format == .json
            ? "\"event\": { \"start\": \"2026-06-21T18:00:00+02:00\", \"end\": \"2026-06-22T01:00:00+02:00\", \"location\": \"Toulouse\" }"
            : "event: { start: 2026-06-21T18:00:00+02:00, end: 2026-06-22T01:00:00+02:00, location: \"Toulouse\" }"
        guard let fields = group(node, field: "event", known: PostFieldNames.event, example: example) else { return nil }
        var start: Date?, end: Date?, location: String?
        var endNode: PostNode?
        for (name, _, value) in fields {
            switch name {
            case "start": start = date(value, field: "event.start")
            case "end": end = date(value, field: "event.end"); endNode = value
            default: location = text(value, field: "event.location")
            }
        }
        guard let start else {
            if !fields.contains(where: { $0.name == "start" }) {
                report("event.start", at: node.position, "the event has no start", hint: "Add when it starts, such as \(example).")
            }
            return nil
        }
        if let end, let endNode, end < start {
            report("event.end", at: endNode.position, "the event ends before it starts",
                   hint: "Check the day and the time zone of event.end; it must be after event.start.")
        }
        return PostEvent(start: start, end: end, location: location)
    }

    mutating func media(_ node: PostNode, requireAlt: Bool) -> [MediaReference] {
        mediaListPosition = node.position
        guard let items = list(node, field: "media") else { return [] }
        if items.count > rules.maxMediaCount {
            report("media", at: node.position, "the post has \(items.count) media files; at most \(rules.maxMediaCount) are allowed",
                   hint: "Keep the \(rules.maxMediaCount) most useful images and remove the others.")
        }
        let example = format == .json
            ? "{ \"file\": \"affiche.png\", \"alt\": \"Affiche : une guitare sur fond orange\" }"
            : "- file: affiche.png, with alt: \"Affiche : une guitare sur fond orange\" on the line below"
        var references: [MediaReference] = []
        for (index, item) in items.enumerated() {
            let field = "media[\(index)]"
            guard let fields = group(item, field: field, known: PostFieldNames.media, example: example) else { continue }
            guard let fileNode = fields.first(where: { $0.name == "file" })?.value else {
                report(field, at: item.position, "this media entry has no file", hint: "Name the image file: \(example).")
                continue
            }
            guard let file = text(fileNode, field: "\(field).file") else { continue }
            if let problem = Self.mediaNameProblem(file) {
                report("\(field).file", at: fileNode.position, "the file \"\(file)\" \(problem)",
                       hint: "Put the image in the post's folder, beside post.\(format == .json ? "json" : "md"), and write only its name, such as affiche.png.")
                continue
            }
            if references.contains(where: { $0.file == file }) {
                report("\(field).file", at: fileNode.position, "the file \"\(file)\" is listed twice", hint: "Remove one of the two entries.")
                continue
            }
            references.append(MediaReference(file: file, alt: alt(fields, item: item, field: field, file: file, required: requireAlt)))
            mediaPositions.append(item.position)
        }
        return references
    }

    private mutating func alt(_ fields: [(name: String, key: PostNode, value: PostNode)], item: PostNode,
                              field: String, file: String, required: Bool) -> String? {
        let line = format == .json ? "\"alt\": \"…\"" : "alt: \"…\""
        guard let node = fields.first(where: { $0.name == "alt" })?.value else {
            if required {
                report(field, at: item.position, "the image \"\(file)\" has no alt text",
                       hint: "Describe the image for people who cannot see it: add \(line) to this entry, under file: \(file), for example alt: \"Affiche : une guitare sur fond orange\".")
            }
            return nil
        }
        let alt = text(node, field: "\(field).alt")
        if alt == nil, required, case .scalar(_, let kind) = node.value, kind == .text || kind == .null {
            report("\(field).alt", at: node.position, "the alt text of the image \"\(file)\" is empty",
                   hint: "Describe what the image shows in a sentence, for people who cannot see it.")
        }
        return alt
    }

    /// Why a media name would leave the post's folder or is not a plain file name.
    private static func mediaNameProblem(_ name: String) -> String? {
        if name.hasPrefix("/") || name.hasPrefix("~") { return "is outside the post's folder (a media path cannot be absolute)" }
        let parts = name.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "\\" })
        if parts.contains(where: { $0 == ".." }) { return "is outside the post's folder (\"..\" is not allowed)" }
        if parts.count > 1 { return "is in a sub-folder; media files must be directly in the post's folder" }
        if name == "." || name.contains(where: { $0.asciiValue.map { $0 < 0x20 } == true }) { return "is not a file name" }
        return nil
    }

    mutating func translations(_ node: PostNode) -> [String: PostTranslation] {
        let example = format == .json
            ? "\"translations\": { \"oc\": { \"title\": \"…\", \"body\": \"…\" } }"
            : "translations: { oc: { title: \"…\", body: \"…\" } }"
        guard let languages = group(node, field: "translations", known: nil, example: example) else { return [:] }
        var result: [String: PostTranslation] = [:]
        for (code, key, value) in languages {
            let field = "translations.\(code)"
            if let problem = Self.languageProblem(code) {
                report(field, at: key.position, "\"\(code)\" is not a language code\(problem)",
                       hint: "Name each translation by its language code, such as oc, en or en-GB.")
                continue
            }
            if value.isNull {
                report("\(field).body", at: value.position, "the \(code) translation has no text",
                       hint: "Add body: with the translated text of the post, or remove the \(code) translation.")
                continue
            }
            guard let fields = group(value, field: field, known: PostFieldNames.translation, example: example) else { continue }
            var translation = PostTranslation(body: "")
            for (name, _, node) in fields {
                switch name {
                case "title": translation.title = text(node, field: "\(field).title")
                case "summary": translation.summary = text(node, field: "\(field).summary")
                default: translation.body = text(node, field: "\(field).body") ?? ""
                }
            }
            if translation.body.isEmpty {
                let bodyNode = fields.first(where: { $0.name == "body" })?.value
                report("\(field).body", at: bodyNode?.position ?? value.position, "the \(code) translation has no text",
                       hint: "Add body: with the translated text of the post, or remove the \(code) translation.")
                continue
            }
            result[code] = translation
        }
        return result
    }

    mutating func overrides(_ node: PostNode) -> [String: [String: String]] {
        let example = format == .json
            ? "\"overrides\": { \"bluesky\": { \"text\": \"…\" } }"
            : "overrides: { bluesky: { text: \"…\" } }"
        guard let channels = group(node, field: "overrides", known: nil, example: example) else { return [:] }
        var result: [String: [String: String]] = [:]
        for (channel, _, value) in channels {
            let path = "overrides.\(channel)"
            guard let fields = group(value, field: path, known: PostFieldNames.override, example: example) else { continue }
            var replacements: [String: String] = [:]
            for (name, _, node) in fields {
                let field = "\(path).\(name)"
                let replacement = name == "link" ? link(node, field: field) : text(node, field: field)
                if let replacement {
                    replacements[name] = replacement
                } else if node.text?.allSatisfy(\.isWhitespace) ?? node.isNull {
                    report(field, at: node.position, "the replacement \(name) for \(channel) is empty",
                           hint: "Write the replacement, or remove the \(name) line to keep the post's own.")
                }
            }
            result[channel] = replacements
        }
        return result
    }
}
