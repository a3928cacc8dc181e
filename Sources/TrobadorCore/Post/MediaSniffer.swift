/// The media type of a file, found from its first bytes rather than its name: a file named
/// `.png` that is really a PDF is refused, and a network is never sent a type it would reject.
enum MediaSniffer {
    /// The types accepted as post media.
    static let accepted = "PNG, JPEG, GIF or WebP"

    /// `image/png`, `image/jpeg`, `image/gif` or `image/webp`; nil for anything else.
    static func contentType(of bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if bytes.starts(with: Array("GIF87a".utf8)) || bytes.starts(with: Array("GIF89a".utf8)) { return "image/gif" }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            return "image/webp"
        }
        return nil
    }
}
