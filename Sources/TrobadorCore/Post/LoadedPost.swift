import Crypto

/// One inbox entry read and checked: the post, its media files, and the exact bytes of the
/// post file, ready to be stored before anything is sent.
public struct LoadedPost: Sendable, Equatable {
    public var post: Post
    /// The files named in `post.media`, in the same order, read and typed from their content.
    public var media: [MediaFile]
    /// The bytes of the post file (`NAME.md`, `NAME.json`, or the bundle's `post.md`/`post.json`), in
    /// Unicode normalisation form C (`PostText.canonical`).
    public var source: [UInt8]
    public var format: PostFormat
    /// Lowercase hexadecimal SHA-256 over the post file and each media file's name and
    /// SHA-256: the same content gives the same hash, whatever the file dates or inbox name.
    /// A known id dropped again with the same hash is a duplicate.
    public var contentHash: String

    public init(post: Post, media: [MediaFile], source: [UInt8], format: PostFormat) {
        self.post = post
        self.media = media
        self.source = source
        self.format = format
        self.contentHash = Self.contentHash(source: source, media: media)
    }

    /// Each part is preceded by its length so that no two different contents hash alike.
    static func contentHash(source: [UInt8], media: [MediaFile]) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("trobador-post-1 \(source.count)\n".utf8))
        hasher.update(data: source)
        for file in media {
            hasher.update(data: Array("media \(file.name.utf8.count) \(file.name) \(file.sha256)\n".utf8))
        }
        return hex(hasher.finalize())
    }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
