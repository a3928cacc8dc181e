import CurlHTTP
import Foundation
import TrobadorCore

/// Writes `DIR/POST_ID.json` whole (temporary name, sync, rename); an update overwrites it,
/// a retraction removes it. Writing again gives the same file, so a resend after a crash is safe.
struct FileAdapter: ChannelAdapter {
    var directory: String

    func preview(_ message: OutboundMessage) -> [PreviewRequest] {
        let path = directory + "/" + message.post.id + ".json"
        let write = HTTPRequest(method: message.action == .retract ? "DELETE" : "WRITE", url: "file://" + path, body: WebhookPayload.encoded(message))
        return [PreviewRequest(request: write, purpose: message.action == .retract ? "remove the file" : "write the file whole (temporary name, sync, rename)")]
    }

    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        let path = directory + "/" + message.post.id + ".json"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            if message.action == .retract {
                if unlink(path) != 0 && errno != ENOENT {
                    return .failed(reason: "cannot remove \(path): \(String(cString: strerror(errno)))", httpStatus: nil)
                }
                try Spool.syncDirectory(directory)
                return .delivered(Receipt(remoteID: message.post.id, url: "file://" + path))
            }
            var bytes = WebhookPayload.encoded(message)
            bytes.append(UInt8(ascii: "\n"))
            try Spool.writeDurably(bytes, to: path)
            return .delivered(Receipt(remoteID: message.post.id, url: "file://" + path))
        } catch {
            // A full or read-only disk may recover; the engine's backoff decides.
            return .retry(after: nil, reason: "\(error)", httpStatus: nil)
        }
    }
}
