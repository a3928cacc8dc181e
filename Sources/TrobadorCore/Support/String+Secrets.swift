import Foundation

extension String {
    /// Whether the text holds `secret`, by a byte search (memchr for the first byte, then
    /// memcmp): almost no text holds a secret, and Foundation's `contains` goes through
    /// NSString for every secret of every log line and every request recorded.
    func holds(_ secret: String) -> Bool {
        !byteOffsets(of: secret, all: false).isEmpty
    }

    /// The text with every secret replaced by what stands for it, by the same byte search:
    /// a secret URL is in every request of its channel, and replacing it through NSString
    /// was the costliest part of recording a request.
    func redacting(_ redactions: [(secret: String, shown: String)]) -> String {
        redactions.reduce(self) { text, redaction in text.replacing(bytesOf: redaction.secret, with: redaction.shown) }
    }

    /// Replaces each occurrence of `secret`, left to right. Both are valid UTF-8, so an
    /// occurrence starts and ends on character boundaries and the result is valid too.
    private func replacing(bytesOf secret: String, with shown: String) -> String {
        let offsets = byteOffsets(of: secret, all: true)
        guard !offsets.isEmpty else { return self }
        let bytes = Array(utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + offsets.count * max(0, shown.utf8.count - secret.utf8.count))
        var position = 0
        for offset in offsets {
            out.append(contentsOf: bytes[position..<offset])
            out.append(contentsOf: shown.utf8)
            position = offset + secret.utf8.count
        }
        out.append(contentsOf: bytes[position...])
        return String(decoding: out, as: UTF8.self)
    }

    /// Where `needle` starts in the text, in bytes: the first occurrence, or all of them
    /// without overlaps. None for an empty needle.
    private func byteOffsets(of needle: String, all: Bool) -> [Int] {
        var text = self
        var needle = needle
        return text.withUTF8 { haystack in
            needle.withUTF8 { pattern in
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
}
