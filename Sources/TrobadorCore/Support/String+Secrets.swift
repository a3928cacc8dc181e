import Foundation

extension String {
    /// Whether the text holds `secret`, by a byte search (memchr for the first byte, then
    /// memcmp): almost no text holds a secret, and Foundation's `contains` goes through
    /// NSString for every secret of every log line and every request recorded.
    func holds(_ secret: String) -> Bool {
        var text = self
        return !text.withUTF8 { SecretSearch.offsets(of: secret, in: $0, all: false) }.isEmpty
    }

    /// The text with every secret replaced by what stands for it, by the same byte search:
    /// a secret URL is in every request of its channel, and replacing it through NSString
    /// was the costliest part of recording a request.
    func redacting(_ redactions: [(secret: String, shown: String)]) -> String {
        var text = self
        for redaction in redactions {
            let replaced = text.withUTF8 { SecretSearch.replacing(redaction, in: $0) }
            if let replaced { text = String(decoding: replaced, as: UTF8.self) }
        }
        return text
    }
}

extension [UInt8] {
    /// The bytes of valid UTF-8 text with every secret replaced as `String.redacting` does it;
    /// the same array when none is there (a request body is recorded without being made a
    /// `String` first).
    func redacting(_ redactions: [(secret: String, shown: String)]) -> [UInt8] {
        var bytes = self
        for redaction in redactions {
            if let replaced = bytes.withUnsafeBufferPointer({ SecretSearch.replacing(redaction, in: $0) }) { bytes = replaced }
        }
        return bytes
    }
}

/// Secrets found and replaced in UTF-8 bytes. Both text and secret are valid UTF-8, so an
/// occurrence starts and ends on character boundaries and the result is valid too.
enum SecretSearch {
    /// The bytes with each occurrence of `redaction.secret` replaced, left to right; nil when
    /// there is none.
    static func replacing(_ redaction: (secret: String, shown: String), in bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let offsets = offsets(of: redaction.secret, in: bytes, all: true)
        guard !offsets.isEmpty else { return nil }
        let secretCount = redaction.secret.utf8.count
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + offsets.count * max(0, redaction.shown.utf8.count - secretCount))
        var position = 0
        for offset in offsets {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position..<offset]))
            out.append(contentsOf: redaction.shown.utf8)
            position = offset + secretCount
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position...]))
        return out
    }

    /// Where `needle` starts in `haystack`, in bytes: the first occurrence, or all of them
    /// without overlaps. None for an empty needle.
    static func offsets(of needle: String, in haystack: UnsafeBufferPointer<UInt8>, all: Bool) -> [Int] {
        var needle = needle
        return needle.withUTF8 { pattern in
            var found: [Int] = []
            guard let start = haystack.baseAddress, let first = pattern.baseAddress, !pattern.isEmpty,
                  haystack.count >= pattern.count
            else { return found }
            let lastStart = haystack.count - pattern.count
            var from = 0
            while from <= lastStart {
                guard let hit = memchr(start + from, Int32(first.pointee), lastStart - from + 1) else { break }
                let index = UnsafeRawPointer(start).distance(to: UnsafeRawPointer(hit))
                guard memcmp(start + index, first, pattern.count) == 0 else {
                    from = index + 1
                    continue
                }
                found.append(index)
                if !all { break }
                from = index + pattern.count
            }
            return found
        }
    }
}
