import Foundation

/// Reads `parse_mode: HTML` as the Bot API documents it: only its tags (`b strong i em u ins
/// s strike del span.tg-spoiler tg-spoiler a[href] tg-emoji code pre blockquote`), code and
/// pre holding no other entity, no link in a link, no quote in a quote, and every other `<`,
/// `>` and `&` written as an entity. Gives the text Telegram shows, or its complaint.
public enum TelegramEntityParser {
    public struct Problem: Error, Equatable { var message: String }

    private static let tags: Set<String> = [
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "tg-emoji", "code", "pre", "blockquote",
    ]
    private static let styles: Set<String> = ["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler"]

    public static func parse(_ html: String) -> Result<String, Problem> {
        let bytes = Array(html.utf8)
        var text: [UInt8] = []
        var open: [String] = []
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "<"):
                guard let close = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else {
                    return .failure(Problem(message: "Unclosed start tag at byte offset \(index)"))
                }
                let inner = String(decoding: bytes[(index + 1)..<close], as: UTF8.self)
                if inner.hasPrefix("/") {
                    let name = String(inner.dropFirst())
                    guard open.last == name else {
                        return .failure(Problem(message: "Unmatched end tag at byte offset \(index), expected \"</\(open.last ?? "")>\", found \"</\(name)>\""))
                    }
                    open.removeLast()
                } else {
                    let name = String(inner.prefix { $0 != " " })
                    guard tags.contains(name) else {
                        return .failure(Problem(message: "Unsupported start tag \"\(name)\" at byte offset \(index)"))
                    }
                    if let problem = attributeProblem(name: name, attributes: String(inner.dropFirst(name.count)), at: index) {
                        return .failure(problem)
                    }
                    if let inside = open.last(where: { $0 == "code" || $0 == "pre" }), !(inside == "pre" && name == "code" && open.last == "pre") {
                        return .failure(Problem(message: "Entity \"\(name)\" can't be inside \"\(inside)\" at byte offset \(index)"))
                    }
                    if name == "code" || name == "pre", let style = open.last(where: styles.contains) {
                        return .failure(Problem(message: "Entity \"\(name)\" can't be inside \"\(style)\" at byte offset \(index)"))
                    }
                    if (name == "a" || name == "blockquote"), open.contains(name) {
                        return .failure(Problem(message: "Entity \"\(name)\" can't be nested at byte offset \(index)"))
                    }
                    open.append(name)
                }
                index = close + 1
            case UInt8(ascii: "&"):
                guard let (character, length) = entity(bytes, at: index) else {
                    return .failure(Problem(message: "Character '&' at byte offset \(index) must be written as &amp;"))
                }
                text += Array(character.utf8)
                index += length
            case UInt8(ascii: ">"):
                return .failure(Problem(message: "Character '>' at byte offset \(index) must be written as &gt;"))
            default:
                text.append(bytes[index])
                index += 1
            }
        }
        if let unclosed = open.last {
            return .failure(Problem(message: "Can't find end tag corresponding to start tag \"\(unclosed)\""))
        }
        return .success(String(decoding: text, as: UTF8.self))
    }

    private static func attributeProblem(name: String, attributes: String, at offset: Int) -> Problem? {
        let attributes = attributes.trimmingCharacters(in: .whitespaces)
        let allowed: Bool = switch name {
        case "a": attributes.hasPrefix("href=\"") && attributes.hasSuffix("\"") && attributes.dropFirst(6).dropLast().firstIndex(of: "\"") == nil
        case "code": attributes.isEmpty || (attributes.hasPrefix("class=\"language-") && attributes.hasSuffix("\""))
        case "span": attributes == "class=\"tg-spoiler\""
        case "blockquote": attributes.isEmpty || attributes == "expandable"
        case "tg-emoji": attributes.hasPrefix("emoji-id=\"")
        default: attributes.isEmpty
        }
        return allowed ? nil : Problem(message: "Unsupported attributes \"\(attributes)\" of tag \"\(name)\" at byte offset \(offset)")
    }

    /// `&lt; &gt; &amp; &quot;` and numeric entities, with their length in bytes.
    private static func entity(_ bytes: [UInt8], at start: Int) -> (String, Int)? {
        guard let end = bytes[start...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else { return nil }
        let name = String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
        let named = ["lt": "<", "gt": ">", "amp": "&", "quot": "\""]
        if let character = named[name] { return (character, end - start + 1) }
        guard name.hasPrefix("#") else { return nil }
        let digits = name.dropFirst()
        let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
        guard let value, let scalar = Unicode.Scalar(value) else { return nil }
        return (String(Character(scalar)), end - start + 1)
    }
}

/// Reads a `multipart/form-data` body into its parts, as a server would.
public enum TelegramFormReader {
    public struct Part {
        public var name: String
        public var filename: String?
        public var contentType: String?
        public var data: Data
    }

    public static func parts(of body: Data, boundary: String) -> [Part] {
        let delimiter = Data("--\(boundary)".utf8)
        var parts: [Part] = []
        var cursor = body.startIndex
        guard let first = body.range(of: delimiter, in: cursor..<body.endIndex) else { return [] }
        cursor = first.upperBound
        while let next = body.range(of: delimiter, in: cursor..<body.endIndex) {
            var chunk = body[cursor..<next.lowerBound]
            if chunk.starts(with: Data("\r\n".utf8)) { chunk = chunk.dropFirst(2) }
            if chunk.suffix(2) == Data("\r\n".utf8) { chunk = chunk.dropLast(2) }
            if let split = chunk.range(of: Data("\r\n\r\n".utf8)) {
                let headers = String(decoding: chunk[chunk.startIndex..<split.lowerBound], as: UTF8.self)
                var part = Part(name: "", data: Data(chunk[split.upperBound...]))
                for line in headers.components(separatedBy: "\r\n") {
                    let lower = line.lowercased()
                    if lower.hasPrefix("content-disposition:") {
                        part.name = value(of: "name", in: line) ?? ""
                        part.filename = value(of: "filename", in: line)
                    } else if lower.hasPrefix("content-type:") {
                        part.contentType = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                    }
                }
                parts.append(part)
            }
            cursor = next.upperBound
            if body[cursor...].starts(with: Data("--".utf8)) { break }
        }
        return parts
    }

    private static func value(of key: String, in line: String) -> String? {
        guard let range = line.range(of: " \(key)=\"") ?? line.range(of: ";\(key)=\"") else { return nil }
        let rest = line[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
