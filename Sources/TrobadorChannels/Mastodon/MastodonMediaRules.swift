import TrobadorCore

/// What Mastodon accepts as status attachments, checked before any request so that a post
/// that cannot go out fails at once with a reason instead of half-published.
///
/// The figures are vanilla Mastodon's (4.x, as mastodon.social announces in
/// `/api/v2/instance`): images up to 16 MiB, 4 attachments per status, descriptions up to
/// 1,500 characters.
enum MastodonMediaRules {
    static let imageTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"]
    static let maxImageBytes = 16 * 1024 * 1024
    static let maxAttachments = 4
    static let maxDescription = 1500

    /// Why these media cannot be attached, or nil when they can.
    static func problem(in media: [StoredMedia]) -> String? {
        if media.count > maxAttachments {
            return "the post has \(media.count) images; Mastodon attaches at most \(maxAttachments) to a status"
        }
        for (index, file) in media.enumerated() {
            let which = "image \(index + 1) (\(file.name))"
            guard imageTypes.contains(file.contentType) else {
                return "\(which) is \(file.contentType); Mastodon takes JPEG, PNG, GIF or WebP images"
            }
            guard file.size <= maxImageBytes else {
                return "\(which) is \(file.size) bytes; Mastodon accepts images up to \(maxImageBytes) bytes (16 MiB)"
            }
            if let alt = file.alt, alt.count > maxDescription {
                return "the description of \(which) is \(alt.count) characters; Mastodon accepts at most \(maxDescription)"
            }
        }
        return nil
    }
}
