import Foundation

/// A retraction on a channel that can delete: it removes every copy the channel still shows
/// for the post (`OutboundMessage.copies`: the corrections published as new messages, then the
/// first publication), newest first, asking the adapter to delete one copy at a time. The
/// same for every channel type, built in or plugin; on a channel that edits in place there is
/// one copy, and this is one deletion as before.
///
/// A copy the network refuses to delete does not stop the others from being deleted: the
/// retraction then fails, naming it. What is deleted is kept as the delivery's progress (`Receipt.parts`: the remote ids of the
/// copies deleted), as a thread's published parts are, whatever the attempt's end: the next
/// attempt deletes only what is left. This is chosen over taking the network's "not found" as
/// done because it records only what the network confirmed: a copy someone else removed, or
/// an id the network does not know, still shows as a failure for an operator to look at.
struct CopyRetraction: Sendable {
    var message: OutboundMessage

    /// How the deletions ended, and the copies deleted so far (this attempt and earlier ones),
    /// to keep on record even when the attempt failed.
    struct Ending: Sendable {
        var outcome: DeliveryOutcome
        var progress: Receipt?
    }

    /// The remote ids of the copies earlier attempts of this retraction deleted.
    private var deletedBefore: Set<String> {
        guard let progress = message.progress else { return [] }
        return Set(progress.parts.isEmpty ? [progress.remoteID].compactMap { $0 } : progress.parts)
    }

    func run(_ deliver: (OutboundMessage) async -> DeliveryOutcome) async -> Ending {
        let copies = message.copies
        // No copy left a remote id: the adapter says what it can do without one.
        guard !copies.isEmpty else { return Ending(outcome: await deliver(message), progress: nil) }
        let before = deletedBefore
        var deleted = copies.filter { $0.remoteID.map(before.contains) ?? false }
        var lastStatus: Int?
        var refused: [(copy: Receipt, reason: String, status: Int?)] = []
        for copy in copies where !deleted.contains(copy) {
            var one = message
            one.previousReceipt = copy
            one.progress = nil
            switch await deliver(one) {
            case .delivered(let receipt):
                deleted.append(copy)
                lastStatus = receipt.httpStatus
            case .retry(let after, let reason, let status, _):
                // Worth trying again (a 503, a rate limit): the next copies would meet it too.
                let why = "deleting \(Self.name(copy, among: copies)): \(reason)" + alreadyDeleted(deleted, among: copies)
                return Ending(outcome: .retry(after: after, reason: why, httpStatus: status, progress: Self.progress(deleted)),
                              progress: Self.progress(deleted))
            case .failed(let reason, let status):
                // One copy refused (removed by hand, say) keeps none of the others online.
                refused.append((copy, reason, status))
            }
        }
        if !refused.isEmpty {
            // Copies refused for the same reason (a missing token) are named together.
            var reasons: [String] = []
            for refusal in refused where !reasons.contains(refusal.reason) { reasons.append(refusal.reason) }
            let why = reasons.map { reason in
                "could not delete " + refused.filter { $0.reason == reason }.map { Self.name($0.copy, among: copies) }.joined(separator: " and ")
                    + ": " + reason
            }.joined(separator: "; ")
                + alreadyDeleted(deleted, among: copies)
                + ". Remove \(refused.count == 1 ? "it" : "them") by hand if still online (`trobador status` lists where), or fix the cause and run "
                + "`trobador retry \(message.post.id)`, which deletes only what is left"
            return Ending(outcome: .failed(reason: why, httpStatus: refused.first?.status), progress: Self.progress(deleted))
        }
        // The post as the channel knew it first: its first publication.
        let first = copies.last
        let receipt = Receipt(remoteID: first?.remoteID, url: first?.url, httpStatus: lastStatus, parts: deleted.compactMap(\.remoteID))
        return Ending(outcome: .delivered(receipt), progress: nil)
    }

    /// What a retraction that ended `retracted` deleted, for the log line and the audit trail.
    static func note(_ message: OutboundMessage) -> String? {
        guard !message.copies.isEmpty else { return nil }
        let count = message.copies.count
        return "deleted \(count == 1 ? "the only copy" : "all \(count) copies, newest first"): "
            + message.copies.map { name($0, among: message.copies) }.joined(separator: ", ")
    }

    /// A copy as the operator can find it: what it is, the network's id, its address.
    static func name(_ copy: Receipt, among copies: [Receipt]) -> String {
        let what = copy == copies.last ? "the first publication" : "the correction published as a new message"
        let id = copy.remoteID.map { "id \($0)" }
        return "\(what) (" + [id, copy.url].compactMap { $0 }.joined(separator: ", ") + ")"
    }

    private func alreadyDeleted(_ deleted: [Receipt], among copies: [Receipt]) -> String {
        deleted.isEmpty ? "" : "; already deleted: " + deleted.map { Self.name($0, among: copies) }.joined(separator: ", ")
    }

    private static func progress(_ deleted: [Receipt]) -> Receipt? {
        guard let newest = deleted.first else { return nil }
        return Receipt(remoteID: newest.remoteID, url: newest.url, parts: deleted.compactMap(\.remoteID))
    }
}
