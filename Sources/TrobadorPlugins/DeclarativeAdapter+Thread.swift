import Foundation
import TrobadorCore

/// Publishing, editing and deleting a post that a plugin with `threads = true` sends as
/// several messages. The receipt keeps every message's id (`Receipt.parts`); an attempt cut
/// short keeps what it published as progress, and the next one goes on from there.
extension DeclarativeAdapter {
    func publish(_ message: OutboundMessage) async -> DeliveryOutcome {
        let composed = MessageValues.Composed(message.post, rendering: manifest.rendering)
        let count = composed.partCount
        var ids = message.progress.map { $0.parts.isEmpty ? ($0.remoteID.map { [$0] } ?? []) : $0.parts } ?? []
        ids = Array(ids.prefix(count))
        var firstURL = message.progress?.url
        var lastStatus: Int?
        for index in ids.count..<count {
            guard let template = template(for: .publish, part: index) else { return .failed(reason: "no [create] request", httpStatus: nil) }
            if index > 0, template.uses("thread"), ids.last?.isEmpty != false || ids.first?.isEmpty != false {
                return stopped(.failed(
                    reason: "the service gave no id for part \(index) of the thread (see `remote_id` in [create.response]), so part \(index + 1) cannot reply to it",
                    httpStatus: lastStatus), ids: ids, url: firstURL)
            }
            let part = MessageValues.Part(index: index, firstID: ids.first, previousID: ids.last)
            let outcome = await send(template, values: values(message, part: part, composed: composed), previous: nil)
            guard case .delivered(let receipt) = outcome else { return stopped(outcome, ids: ids, url: firstURL) }
            if index == 0 { firstURL = receipt.url }
            // A service that names no message still counts the part, so a retry does not send it again.
            ids.append(receipt.remoteID ?? "")
            lastStatus = receipt.httpStatus
        }
        let first = ids.first.flatMap { $0.isEmpty ? nil : $0 }
        return .delivered(Receipt(remoteID: first, url: firstURL, httpStatus: lastStatus, parts: ids.count > 1 ? ids : []))
    }

    /// An edit changes each published message to the new version's part; a new version
    /// needing another number of messages than were published cannot be made by edits.
    func edit(_ message: OutboundMessage) async -> DeliveryOutcome {
        guard let template = requests.update else { return .failed(reason: "no [update] request", httpStatus: nil) }
        let published = publishedIDs(message.previousReceipt)
        let composed = MessageValues.Composed(message.post, rendering: manifest.rendering)
        let count = composed.partCount
        guard published.count <= 1 && count == 1 || published.count == count else {
            return .failed(
                reason: "the new version takes \(count) message\(count == 1 ? "" : "s") and \(published.count) \(published.count == 1 ? "was" : "were") published: edits cannot change how many; retract the post and publish it again",
                httpStatus: nil)
        }
        guard published.count > 1 else {
            return await send(template, values: values(message, composed: composed), previous: message.previousReceipt)
        }
        var lastStatus: Int?
        for (index, id) in published.enumerated() {
            let part = MessageValues.Part(index: index, remoteID: id)
            let outcome = await send(template, values: values(message, part: part, composed: composed), previous: message.previousReceipt)
            guard case .delivered(let receipt) = outcome else { return Self.naming(outcome, part: index + 1, of: count) }
            lastStatus = receipt.httpStatus
        }
        var receipt = message.previousReceipt ?? Receipt()
        receipt.httpStatus = lastStatus
        return .delivered(receipt)
    }

    /// A deletion removes every message of the thread, the last first.
    func delete(_ message: OutboundMessage) async -> DeliveryOutcome {
        guard let template = requests.delete else { return .failed(reason: "no [delete] request", httpStatus: nil) }
        let published = publishedIDs(message.previousReceipt)
        let composed = MessageValues.Composed(message.post, rendering: manifest.rendering)
        guard published.count > 1 else { return await send(template, values: values(message, composed: composed), previous: message.previousReceipt) }
        var lastStatus: Int?
        for (index, id) in published.enumerated().reversed() {
            let part = MessageValues.Part(index: index, remoteID: id)
            let outcome = await send(template, values: values(message, part: part, composed: composed), previous: message.previousReceipt)
            guard case .delivered(let receipt) = outcome else { return Self.naming(outcome, part: index + 1, of: published.count) }
            lastStatus = receipt.httpStatus
        }
        var receipt = message.previousReceipt ?? Receipt()
        receipt.httpStatus = lastStatus
        return .delivered(receipt)
    }

    private func publishedIDs(_ receipt: Receipt?) -> [String] {
        guard let receipt else { return [] }
        return (receipt.parts.isEmpty ? (receipt.remoteID.map { [$0] } ?? []) : receipt.parts).filter { !$0.isEmpty }
    }

    /// A retry keeps what was published, so the next attempt goes on from it; a failure says
    /// which messages stay online, since nothing will remove them automatically.
    private func stopped(_ outcome: DeliveryOutcome, ids: [String], url: String?) -> DeliveryOutcome {
        guard !ids.isEmpty else { return outcome }
        let part = "part \(ids.count + 1) of the thread: "
        switch outcome {
        case .retry(let after, let reason, let status, _):
            return .retry(after: after, reason: part + reason, httpStatus: status,
                          progress: Receipt(remoteID: ids.first.flatMap { $0.isEmpty ? nil : $0 }, url: url, parts: ids))
        case .failed(let reason, let status):
            let published = ids.filter { !$0.isEmpty }
            let online = published.isEmpty ? "\(ids.count) earlier part\(ids.count == 1 ? "" : "s") stay published" : "messages already published: " + published.joined(separator: ", ")
            return .failed(reason: part + reason + "; " + online, httpStatus: status)
        case .delivered:
            return outcome
        }
    }

    private static func naming(_ outcome: DeliveryOutcome, part: Int, of count: Int) -> DeliveryOutcome {
        let prefix = "message \(part) of \(count): "
        switch outcome {
        case .retry(let after, let reason, let status, let progress): return .retry(after: after, reason: prefix + reason, httpStatus: status, progress: progress)
        case .failed(let reason, let status): return .failed(reason: prefix + reason, httpStatus: status)
        case .delivered: return outcome
        }
    }
}
