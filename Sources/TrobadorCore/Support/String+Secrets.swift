import Foundation

extension String {
    /// Whether the text holds `secret`, by a byte search (memchr for the first byte, then
    /// memcmp): almost no text holds a secret, and Foundation's `contains` goes through
    /// NSString for every secret of every log line and every request recorded.
    func holds(_ secret: String) -> Bool {
        var text = self
        var secret = secret
        return text.withUTF8 { haystack in
            secret.withUTF8 { needle in
                guard let start = haystack.baseAddress, let pattern = needle.baseAddress, haystack.count >= needle.count else {
                    return needle.isEmpty
                }
                let lastStart = haystack.count - needle.count
                var from = 0
                while from <= lastStart {
                    guard let found = memchr(start + from, Int32(pattern.pointee), lastStart - from + 1) else { return false }
                    let index = UnsafeRawPointer(start).distance(to: UnsafeRawPointer(found))
                    if memcmp(start + index, pattern, needle.count) == 0 { return true }
                    from = index + 1
                }
                return false
            }
        }
    }

    /// The text with every secret replaced by what stands for it; Foundation's replacement
    /// runs only for the secrets the text actually holds.
    func redacting(_ redactions: [(secret: String, shown: String)]) -> String {
        redactions.reduce(self) { text, redaction in
            text.holds(redaction.secret) ? text.replacingOccurrences(of: redaction.secret, with: redaction.shown) : text
        }
    }
}
