import Foundation

/// Reads `posts.post_json` back into a `Post`, byte by byte: every delivery claimed reads its
/// post, inside the write transaction that intake and the other channels wait on, and
/// `JSONDecoder` spent most of the claim there. It reads exactly what `Post.storedJSON` (and
/// `JSONEncoder` with the store's settings before it) writes; anything else, such as a date
/// with a fraction of a millisecond, makes it give up (nil), and the caller decodes with
/// `JSONDecoder` as before.
struct StoredPostReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The post `json` holds, or nil when it is not as `storedJSON` writes it.
    static func post(from json: String) -> Post? {
        var json = json
        return json.withUTF8 { bytes in
            var reader = StoredPostReader(bytes)
            guard let post = reader.readPost(), reader.index == bytes.count else { return nil }
            return post
        }
    }

    // MARK: The post's objects

    private mutating func readPost() -> Post? {
        var post = Post(id: "")
        // The keys JSONDecoder requires (the post's non-optional properties).
        var required: Set<String> = ["action", "body", "id", "media", "overrides", "tags", "translations"]
        let complete = readObject { reader, key in
            required.remove(key)
            switch key {
            case "action":
                guard let text = reader.readString(), let action = PostAction(rawValue: text) else { return false }
                post.action = action
            case "body": guard let text = reader.readString() else { return false }; post.body = text
            case "channels": guard let list = reader.readStrings() else { return false }; post.channels = list
            case "event": guard let event = reader.readEvent() else { return false }; post.event = event
            case "expiresAt": guard let date = reader.readDate() else { return false }; post.expiresAt = date
            case "id": guard let text = reader.readString() else { return false }; post.id = text
            case "lang": guard let text = reader.readString() else { return false }; post.lang = text
            case "link": guard let text = reader.readString() else { return false }; post.link = text
            case "media": guard let media = reader.readMedia() else { return false }; post.media = media
            case "overrides": guard let overrides = reader.readOverrides() else { return false }; post.overrides = overrides
            case "publishAt": guard let date = reader.readDate() else { return false }; post.publishAt = date
            case "summary": guard let text = reader.readString() else { return false }; post.summary = text
            case "tags": guard let list = reader.readStrings() else { return false }; post.tags = list
            case "title": guard let text = reader.readString() else { return false }; post.title = text
            case "translations": guard let translations = reader.readTranslations() else { return false }; post.translations = translations
            default: return false
            }
            return true
        }
        guard complete, required.isEmpty else { return nil }
        return post
    }

    private mutating func readEvent() -> PostEvent? {
        var start: Date?, end: Date?, location: String?
        let complete = readObject { reader, key in
            switch key {
            case "start": start = reader.readDate(); return start != nil
            case "end": end = reader.readDate(); return end != nil
            case "location": location = reader.readString(); return location != nil
            default: return false
            }
        }
        guard complete, let start else { return nil }
        return PostEvent(start: start, end: end, location: location)
    }

    private mutating func readMedia() -> [MediaReference]? {
        readArray { reader in
            var file: String?, alt: String?
            let complete = reader.readObject { reader, key in
                switch key {
                case "file": file = reader.readString(); return file != nil
                case "alt": alt = reader.readString(); return alt != nil
                default: return false
                }
            }
            guard complete, let file else { return nil }
            return MediaReference(file: file, alt: alt)
        }
    }

    private mutating func readTranslations() -> [String: PostTranslation]? {
        readMap { reader in
            var title: String?, body: String?, summary: String?
            let complete = reader.readObject { reader, key in
                switch key {
                case "title": title = reader.readString(); return title != nil
                case "body": body = reader.readString(); return body != nil
                case "summary": summary = reader.readString(); return summary != nil
                default: return false
                }
            }
            guard complete, let body else { return nil }
            return PostTranslation(title: title, body: body, summary: summary)
        }
    }

    private mutating func readOverrides() -> [String: [String: String]]? {
        readMap { $0.readMap { $0.readString() } }
    }

    // MARK: JSON

    /// `{` members `}`, each value read by `member` (false: give up).
    private mutating func readObject(_ member: (inout StoredPostReader, String) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        repeat {
            guard let key = readString(), take(UInt8(ascii: ":")), member(&self, key) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }

    /// `{` members `}` as a dictionary, each value read by `value` (nil: give up).
    private mutating func readMap<Value>(_ value: (inout StoredPostReader) -> Value?) -> [String: Value]? {
        var map: [String: Value] = [:]
        let complete = readObject { reader, key in
            guard let read = value(&reader) else { return false }
            map[key] = read
            return true
        }
        return complete ? map : nil
    }

    private mutating func readArray<Element>(_ element: (inout StoredPostReader) -> Element?) -> [Element]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var elements: [Element] = []
        if take(UInt8(ascii: "]")) { return elements }
        repeat {
            guard let next = element(&self) else { return nil }
            elements.append(next)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? elements : nil
    }

    private mutating func readStrings() -> [String]? {
        readArray { $0.readString() }
    }

    /// Milliseconds since 1970, written as an integer.
    private mutating func readDate() -> Date? {
        var negative = false
        if take(UInt8(ascii: "-")) { negative = true }
        var value: Int64 = 0
        var digits = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9"), digits < 16 {
            value = value * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
            index += 1
            digits += 1
        }
        // A fraction, an exponent or more digits: left to JSONDecoder.
        guard digits > 0, index < bytes.count, bytes[index] == UInt8(ascii: ",") || bytes[index] == UInt8(ascii: "}") else { return nil }
        return Date(timeIntervalSince1970: Double(negative ? -value : value) / 1000)
    }

    private mutating func readString() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        // Most strings hold no escape: copied whole.
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
            guard bytes[index] >= 0x20 else { return nil }
            index += 1
        }
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "\"") {
            defer { index += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }
        var text = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escaped)
                case UInt8(ascii: "b"): text.append(0x08)
                case UInt8(ascii: "f"): text.append(0x0C)
                case UInt8(ascii: "n"): text.append(0x0A)
                case UInt8(ascii: "r"): text.append(0x0D)
                case UInt8(ascii: "t"): text.append(0x09)
                case UInt8(ascii: "u"):
                    guard var scalar = readHex4() else { return nil }
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A surrogate pair: the low half follows as \uXXXX.
                        guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = readHex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { return nil }
                    UTF8.encode(unicode) { text.append($0) }
                default:
                    return nil
                }
            case 0..<0x20:
                return nil
            default:
                text.append(byte)
            }
        }
        return nil
    }

    private mutating func readHex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Consumes `byte` when it is next (the stored JSON has no spaces between tokens).
    private mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }
}
