import TrobadorCore

/// The bytes of a message's media, for adapters that upload them: the engine hands adapters
/// descriptions only (name, type, size, hash), and the bytes come from the state database
/// through the channel context, read once per attempt and matched by name and hash.
enum MediaBytes {
    /// Why the bytes are not there, as the outcome the delivery ends with.
    struct Unavailable: Error {
        var outcome: DeliveryOutcome
    }

    static func load(
        _ message: OutboundMessage, using loadMedia: @Sendable (_ postID: String, _ version: Int) async throws -> [StoredMedia]
    ) async throws(Unavailable) -> [(file: StoredMedia, bytes: [UInt8])] {
        var stored: [StoredMedia] = []
        if message.media.contains(where: { $0.data == nil }) {
            do {
                stored = try await loadMedia(message.post.id, message.version)
            } catch {
                // The database is local and usually back in a moment.
                throw Unavailable(outcome: .retry(after: nil, reason: "could not read the post's images from the state database: \(error)", httpStatus: nil))
            }
        }
        var files: [(file: StoredMedia, bytes: [UInt8])] = []
        for file in message.media {
            guard let bytes = file.data ?? stored.first(where: { $0.name == file.name && $0.sha256 == file.sha256 })?.data else {
                throw Unavailable(outcome: .failed(reason: "image \(file.name) of version \(message.version) is missing from the state database", httpStatus: nil))
            }
            files.append((file, bytes))
        }
        return files
    }
}
