import TrobadorCore

/// What a Bluesky post can embed, checked before any request (even before signing in):
/// `app.bsky.embed.images` holds at most 4 images of at most 1,000,000 bytes each; the
/// app shows JPEG, PNG, WebP and GIF (as a still image).
enum BlueskyMediaRules {
    static let imageTypes = ["image/jpeg", "image/png", "image/webp", "image/gif"]
    static let maxImageBytes = 1_000_000
    static let maxImages = 4

    /// Why these media cannot be embedded, or nil when they can.
    static func problem(in media: [StoredMedia]) -> String? {
        if media.count > maxImages {
            return "the post has \(media.count) images; a Bluesky post embeds at most \(maxImages)"
        }
        for (index, file) in media.enumerated() {
            let which = "image \(index + 1) (\(file.name))"
            guard imageTypes.contains(file.contentType) else {
                return "\(which) is \(file.contentType); Bluesky takes JPEG, PNG, WebP or GIF images"
            }
            guard file.size <= maxImageBytes else {
                return "\(which) is \(file.size) bytes; Bluesky accepts images up to \(maxImageBytes) bytes, reduce it and submit the post again"
            }
        }
        return nil
    }
}
