import CurlHTTP
import TrobadorCore

extension MastodonAdapter {
    /// Uploads the message's images with their descriptions and returns their ids in order,
    /// once the instance has processed them: `POST /api/v2/media` answers 202 while it still
    /// works on a file, and a status cannot attach a file before `GET /api/v1/media/:id`
    /// answers 200.
    func upload(_ message: OutboundMessage) async throws(MastodonStop) -> [String] {
        guard !message.media.isEmpty else { return [] }
        let files = try await withBytes(message)
        var ids: [String] = []
        for (index, (file, bytes)) in files.enumerated() {
            let what = "uploading image \(index + 1) of \(files.count) (\(file.name))"
            let response = try await send(api.uploadMedia(file, bytes: bytes), what)
            guard let id = MastodonAnswer.id(response) else {
                throw MastodonStop(outcome: .failed(reason: "\(what): the instance answered \(response.status) without a media id", httpStatus: response.status))
            }
            if response.status == 202 { try await waitUntilProcessed(id, what: what) }
            ids.append(id)
        }
        return ids
    }

    private func waitUntilProcessed(_ id: String, what: String) async throws(MastodonStop) {
        for _ in 0..<mediaPollLimit {
            do {
                try await Task.sleep(for: mediaPollInterval)
            } catch {
                break
            }
            // 206 Partial Content: still processing.
            if try await send(api.media(id), what + ", waiting for processing").status == 200 { return }
        }
        let waited = mediaPollInterval * mediaPollLimit
        throw MastodonStop(outcome: .retry(after: nil, reason: "\(what): the instance was still processing it after \(waited)", httpStatus: 206))
    }

    /// The media with their bytes: the engine sends descriptions only, the bytes come from
    /// the state database.
    private func withBytes(_ message: OutboundMessage) async throws(MastodonStop) -> [(StoredMedia, [UInt8])] {
        var stored: [StoredMedia] = []
        if message.media.contains(where: { $0.data == nil }) {
            do {
                stored = try await loadMedia(message.post.id, message.version)
            } catch {
                throw MastodonStop(outcome: .retry(after: nil, reason: "could not read the post's images from the state database: \(error)", httpStatus: nil))
            }
        }
        var files: [(StoredMedia, [UInt8])] = []
        for file in message.media {
            guard let bytes = file.data ?? stored.first(where: { $0.name == file.name && $0.sha256 == file.sha256 })?.data else {
                throw MastodonStop(outcome: .failed(reason: "image \(file.name) is missing from the state database", httpStatus: nil))
            }
            files.append((file, bytes))
        }
        return files
    }
}
