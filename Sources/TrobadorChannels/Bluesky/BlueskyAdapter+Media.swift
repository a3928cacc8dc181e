import TrobadorCore

extension BlueskyAdapter {
    /// Uploads the message's images as blobs (`com.atproto.repo.uploadBlob`, the raw bytes
    /// with their type) and returns them with their alt text, for the first part's embed.
    /// A blob is addressed by its content, so uploading it again on a retry is harmless.
    func upload(_ message: OutboundMessage) async throws(BlueskyStop) -> [(blob: BlueskyBlob, alt: String)] {
        guard !message.media.isEmpty else { return [] }
        let files: [(file: StoredMedia, bytes: [UInt8])]
        do {
            files = try await MediaBytes.load(message, using: loadMedia)
        } catch {
            throw BlueskyStop(outcome: error.outcome)
        }
        var images: [(blob: BlueskyBlob, alt: String)] = []
        for (index, (file, bytes)) in files.enumerated() {
            let what = "uploading image \(index + 1) of \(files.count) (\(file.name))"
            let response = try await client.call(what) {
                client.api.uploadBlob(bytes, contentType: file.contentType, accessToken: $0.access)
            }
            guard let object = BlueskyAnswer.json(response), let blob = BlueskyBlob(uploadAnswer: object) else {
                throw BlueskyStop(outcome: .failed(reason: "\(what): the PDS answered \(response.status) without a blob", httpStatus: response.status))
            }
            images.append((blob, file.alt ?? ""))
        }
        return images
    }
}
