import Foundation

/// Single values: text, lists, ids, tags, links, language codes, dates.
extension PostFieldReader {
    /// Text, or nil when absent, null or empty. In JSON, numbers and true/false are refused:
    /// a JSON writer quotes text; in YAML every scalar is text.
    mutating func text(_ node: PostNode, field: String) -> String? {
        switch node.value {
        case .scalar(let text, .text):
            return text.allSatisfy(\.isWhitespace) ? nil : text
        case .scalar(_, .null):
            return nil
        default:
            let example = format == .json ? "\"\(field.split(separator: ".").last ?? "")\": \"…\"" : "\(field.split(separator: ".").last ?? ""): …"
            report(field, at: node.position, "must be a text, but it is \(node.kindDescription)",
                   hint: "Write the text itself, as \(example)\(format == .json ? ", with double quotes" : "").")
            return nil
        }
    }

    /// The items of a list; a lone value is refused with the list form to write instead.
    mutating func list(_ node: PostNode, field: String) -> [PostNode]? {
        switch node.value {
        case .sequence(let items):
            return items
        case .scalar(_, .null):
            return nil
        case .scalar(let text, _):
            let items = text.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
            let example = format == .json
                ? "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
                : "[" + items.joined(separator: ", ") + "]"
            report(field, at: node.position, "must be a list, even with a single item, but it is \(node.kindDescription)",
                   hint: "Write it in square brackets: \(field): \(example).")
            return nil
        case .mapping:
            report(field, at: node.position, "must be a list, but it is a group of fields",
                   hint: "Write it in square brackets, items separated by commas, for example [culture, musique].")
            return nil
        }
    }

    mutating func action(_ node: PostNode) -> PostAction? {
        guard let word = text(node, field: "action") else { return nil }
        if let action = PostAction(rawValue: word) { return action }
        let names = PostAction.allCases.map(\.rawValue)
        let guess = PostFieldNames.suggestion(for: word, among: names).map { " Did you mean \($0)?" } ?? ""
        report("action", at: node.position, "\"\(word)\" is not an action",
               hint: "Write publish (the default), update or retract.\(guess)")
        return nil
    }

    /// The post id: the `id` field if given, else the name of the file or folder.
    mutating func identifier(_ node: PostNode?, defaultID: String) -> String {
        guard let node else {
            if let problem = PostIdentifier.problem(with: defaultID) {
                let example = PostIdentifier.suggestion(for: defaultID)
                let line = format == .json ? "\"id\": \"\(example)\"" : "id: \(example)"
                report("id", at: nil, "the post has no id field, and its name \"\(defaultID)\" cannot be used as one: \(problem)",
                       hint: "Add the line \(line) to the post, or rename it \(example). \(PostIdentifier.rule)")
            }
            return defaultID
        }
        guard let id = text(node, field: "id") else {
            if case .scalar(_, let kind) = node.value, kind == .text || kind == .null {
                report("id", at: node.position, "the id is empty",
                       hint: "Write the id, or remove the line to use the name \"\(defaultID)\". \(PostIdentifier.rule)")
            }
            return defaultID
        }
        if let problem = PostIdentifier.problem(with: id) {
            report("id", at: node.position, "the id \"\(id)\" is not valid: \(problem)",
                   hint: "\(PostIdentifier.rule) For example: \(PostIdentifier.suggestion(for: id)).")
        }
        return id
    }

    mutating func tags(_ node: PostNode) -> [String] {
        var tags: [String] = []
        for (index, item) in (list(node, field: "tags") ?? []).enumerated() {
            let field = "tags[\(index)]"
            guard let written = text(item, field: field) else {
                if item.isNull { report(field, at: item.position, "this tag is empty", hint: "Remove it or write a word.") }
                continue
            }
            let tag = written.hasPrefix("#") ? String(written.dropFirst()) : written
            if let problem = Self.tagProblem(tag) {
                report(field, at: item.position, "the tag \"\(written)\" \(problem)",
                       hint: "A tag is one word of letters (accents allowed), digits and _, such as FeteDeLaMusique; separate tags with commas: [culture, musique].")
            } else if !tags.contains(where: { $0.lowercased() == tag.lowercased() }) {
                tags.append(tag)
            }
        }
        return tags
    }

    private static func tagProblem(_ tag: String) -> String? {
        // An ASCII tag of letters, digits and _ with a letter (nearly all) is said valid by its bytes.
        if !tag.isEmpty, tag.utf8.allSatisfy(ASCII.isWordByte), tag.utf8.contains(where: ASCII.isLetter) { return nil }
        if tag.isEmpty { return "is empty" }
        if tag.contains(where: \.isWhitespace) { return "contains a space" }
        let wrong = tag.filter { !($0.isLetter || ("0"..."9").contains($0) || $0 == "_") }
        if let first = wrong.first { return "contains \"\(first)\", which a hashtag cannot hold" }
        if !tag.contains(where: \.isLetter) { return "has no letter; networks do not make a hashtag of digits alone" }
        return nil
    }

    mutating func channels(_ node: PostNode) -> [String]? {
        guard let items = list(node, field: "channels") else { return nil }
        if items.isEmpty {
            report("channels", at: node.position, "the list of channels is empty, so the post would go nowhere",
                   hint: "Name at least one channel, or remove the channels line to route the post by its tags.")
            return nil
        }
        var names: [String] = []
        for (index, item) in items.enumerated() {
            let field = "channels[\(index)]"
            guard let name = text(item, field: field)?.trimmingSpaces() else {
                if case .scalar(_, let kind) = item.value, kind == .text || kind == .null {
                    report(field, at: item.position, "this channel name is empty", hint: "Write the name of a channel, or remove the empty item.")
                }
                continue
            }
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// An `http` or `https` address.
    mutating func link(_ node: PostNode, field: String) -> String? {
        guard let link = text(node, field: field)?.trimmingSpaces() else { return nil }
        guard let scheme = Self.webSchemeLength(link) else {
            let lowered = String(link.prefix(8)).lowercased()
            let message = link.contains(":") && !lowered.hasPrefix("www.")
                ? "only web addresses starting with https:// or http:// are accepted, not \"\(link)\""
                : "the address \"\(link)\" does not start with https://"
            report(field, at: node.position, message, hint: "Write the full address, for example https://www.example.org/agenda.")
            return nil
        }
        // The site name runs from the scheme to the first `/`, `?` or `#`.
        let noHost = link.utf8.dropFirst(scheme).first.map { "/?#".utf8.contains($0) } ?? true
        if noHost || Self.hasSpaceOrControl(link) {
            report(field, at: node.position, "\"\(link)\" is not a complete web address (\(noHost ? "no site name after //" : "it contains a space"))",
                   hint: "Copy the address from the browser's address bar, for example https://www.example.org/agenda; write spaces as %20.")
            return nil
        }
        return link
    }

    /// The length of `link`'s `https://` or `http://`, in any case; nil when it starts with neither.
    static func webSchemeLength(_ link: String) -> Int? {
        ["https://", "http://"].first { scheme in
            link.utf8.count >= scheme.utf8.count && zip(link.utf8, scheme.utf8).allSatisfy { ASCII.lowercased($0) == $1 }
        }?.utf8.count
    }

    /// Whether `text` holds white space or a control character. An ASCII address (nearly all)
    /// is looked at byte by byte, where both are the bytes up to 0x20; any other character by character.
    static func hasSpaceOrControl(_ text: String) -> Bool {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.contains { $0 <= 0x20 } }
        return text.contains { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true }
    }

    /// A language code: `fr`, `oc`, `en-GB`.
    mutating func language(_ node: PostNode, field: String) -> String? {
        guard let code = text(node, field: field) else { return nil }
        guard let problem = Self.languageProblem(code) else { return code }
        report(field, at: node.position, "\"\(code)\" is not a language code\(problem)",
               hint: "Write a language code such as fr, oc, en or en-GB.")
        return nil
    }

    static func languageProblem(_ code: String) -> String? {
        // `fr`, `oc`, `en-GB`: ASCII letters, then subtags of letters and digits; said by the bytes.
        let subtags = code.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        if let primary = subtags.first, (2...3).contains(primary.count), primary.allSatisfy(ASCII.isLetter),
           subtags.dropFirst().allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy(ASCII.isLetterOrDigit) }) {
            return nil
        }
        if code.contains("_") { return " (use a hyphen: \(code.replacingOccurrences(of: "_", with: "-")))" }
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        let primary = parts[0]
        guard (2...3).contains(primary.count), primary.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            return primary.count > 3 ? " (write the code, not the name of the language)" : ""
        }
        let subtagsValid = parts.dropFirst().allSatisfy { part in
            (1...8).contains(part.count) && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
        return subtagsValid ? nil : ""
    }

    mutating func date(_ node: PostNode, field: String) -> Date? {
        guard let written = text(node, field: field)?.trimmingSpaces() else { return nil }
        switch PostDate.parse(written) {
        case .success(let date):
            return date
        case .failure(let failure):
            let message = switch failure {
            case .noTime: "\"\(written)\" has a day but no time and time zone"
            case .noTimeZone: "\"\(written)\" has no time zone, so the moment it names is not known"
            case .impossible: "\"\(written)\" is not a date that exists"
            case .malformed: "\"\(written)\" is not a date and time"
            }
            report(field, at: node.position, message,
                   hint: "Write the date with its time zone, for example 2026-06-21T18:00:00+02:00 (+02:00 in French summer time, +01:00 in winter).")
            return nil
        }
    }
}
