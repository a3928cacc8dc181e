import TrobadorCore

/// The bytes of a message's media, for adapters that upload them: the engine hands adapters
/// descriptions only (name, type, size, hash), and the bytes come from the state database
/// through the channel context, read once per attempt and matched by name and hash.
enum MediaBytes {
    /// `media` (some or all of the message's) with their bytes, in the same order. A database
    /// that cannot be read is a transient problem; bytes missing from it are a permanent one.
    static func load(
        _ media: [StoredMedia], of message: OutboundMessage,
        using loadMedia: @Sendable (_ postID: String, _ version: Int) async throws -> [StoredMedia]
    ) async throws(DeliveryProblem) -> [StoredMedia] {
        var stored: [StoredMedia] = []
        if media.contains(where: { $0.data == nil }) {
            do {
                stored = try await loadMedia(message.post.id, message.version)
            } catch {
                // The database is local and usually back in a moment.
                throw DeliveryProblem("could not read the post's images from the state database: \(error)", transient: true)
            }
        }
        return try media.map { (file) throws(DeliveryProblem) in
            guard let bytes = file.data ?? stored.first(where: { $0.name == file.name && $0.sha256 == file.sha256 })?.data else {
                throw DeliveryProblem("image \(file.name) of version \(message.version) is missing from the state database")
            }
            var full = file
            full.data = bytes
            return full
        }
    }

    /// All the message's media, each with its bytes.
    static func load(
        _ message: OutboundMessage, using loadMedia: @Sendable (_ postID: String, _ version: Int) async throws -> [StoredMedia]
    ) async throws(DeliveryProblem) -> [(file: StoredMedia, bytes: [UInt8])] {
        try await load(message.media, of: message, using: loadMedia).map { ($0, $0.data ?? []) }
    }
}
