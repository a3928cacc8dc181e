import CurlHTTP
import TrobadorCore

extension MastodonAdapter {
    /// Uploads the message's images with their descriptions and returns their ids in order,
    /// once the instance has processed them: `POST /api/v2/media` answers 202 while it still
    /// works on a file, and a status cannot attach a file before `GET /api/v1/media/:id`
    /// answers 200.
    func upload(_ message: OutboundMessage) async throws(MastodonStop) -> [String] {
        guard !message.media.isEmpty else { return [] }
        let files: [(file: StoredMedia, bytes: [UInt8])]
        do {
            files = try await MediaBytes.load(message, using: loadMedia)
        } catch {
            throw MastodonStop(outcome: error.outcome)
        }
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
}
