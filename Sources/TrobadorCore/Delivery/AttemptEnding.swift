import Foundation

/// How one attempt ended, as the engine hands it to the store and the log.
struct AttemptEnding: Sendable {
    enum Result: Sendable {
        /// The adapter was called; `note` says when the message went out otherwise than asked
        /// (an update published as a new message); `sent`, the requests as they left;
        /// `progress`, what stays on record whatever the outcome (the copies a retraction deleted).
        case sent(DeliveryOutcome, note: String?, sent: SentRequests, progress: Receipt? = nil)
        /// Nothing was sent, and why.
        case withheld(DeliveryRoute.Withheld)
    }

    var claimed: ClaimedDelivery
    var result: Result
    var milliseconds: Int

    /// What the network's answer says of the channel's health; nil when nothing was sent.
    var outcome: DeliveryOutcome? {
        if case .sent(let outcome, _, _, _) = result { return outcome }
        return nil
    }

    /// The record for the store and the line for the log. The retry decision is `policy`'s.
    func completion(policy: RetryPolicy, corrections: CorrectionSettings?, at stamp: Date) -> (record: AttemptCompletion, event: LogEvent) {
        let message = claimed.message
        var event = LogEvent(
            .delivered, time: stamp, post: message.post.id, channel: message.channel, attempt: message.attempt,
            milliseconds: milliseconds)
        var record = AttemptCompletion(
            claimed: claimed, finishedAt: stamp, milliseconds: milliseconds,
            result: .delivered, httpStatus: nil, error: nil, receipt: nil, newState: .delivered, nextAt: nil)
        switch result {
        case .withheld(let withheld):
            record.result = .skipped
            record.error = withheld.reason
            record.newState = withheld.state
            record.audit = AuditEntry(performed: withheld.performed, note: withheld.reason, sent: [])
            if message.action == .retract { record.expirySchedule = .cancel }
            event.event = withheld.event
            event.level = withheld.level
            event.url = withheld.url
            event.milliseconds = nil
            event.error = withheld.reason
        case .sent(let outcome, let note, let sent, let progress):
            record.httpStatus = outcome.httpStatus
            record.receipt = progress
            event.http = outcome.httpStatus
            let performed = note == nil ? message.action.rawValue : AuditEntry.updateAsNewMessage
            record.audit = AuditEntry(performed: performed, note: note, requests: sent)
            switch outcome {
            case .delivered(let receipt):
                record.receipt = receipt
                event.event = switch message.action {
                case .publish: .delivered
                case .update: .updated
                case .retract: .retracted
                }
                event.remoteID = receipt.remoteID
                event.url = receipt.url
                if let note { event.extra.append(("note", note)) }
                if message.action == .retract {
                    record.newState = .retracted
                    // Which copies went, in the log line and the audit trail alike.
                    if let deleted = CopyRetraction.note(message) {
                        event.extra.append(("note", deleted))
                        record.audit?.note = deleted
                    }
                }
                record.expirySchedule = Self.expirySchedule(message, corrections: corrections)
            case .failed(let reason, _):
                record.result = .failed
                record.error = reason
                record.newState = .failed
                event.event = .failed
                event.level = .error
                event.error = reason
            case .retry(let after, let reason, _, let progress):
                record.result = .retry
                record.error = reason
                record.receipt = progress
                switch policy.decide(afterAttempt: claimed.attemptInBudget, requested: after, since: claimed.budgetSince, now: stamp) {
                case .retry(let at, let delay):
                    record.newState = .retrying
                    record.nextAt = at
                    event.event = .retrying
                    event.level = .warning
                    event.nextIn = delay
                    event.error = reason
                case .giveUp(let why):
                    record.newState = .failed
                    record.error = "\(reason); \(why)"
                    event.event = .failed
                    event.level = .error
                    event.error = record.error
                }
            }
            // An attempt that sent nothing and failed (a refusal before any request) leaves no audit record.
            if sent.isEmpty, record.result != .delivered { record.audit = nil }
        }
        return (record, event)
    }

    /// After a delivered publication or edit: the copy now on the channel is retracted at the
    /// post's `expires_at` when the channel says `retract_on_expiry`; a retraction ends it.
    static func expirySchedule(_ message: OutboundMessage, corrections: CorrectionSettings?) -> AttemptCompletion.ExpirySchedule {
        switch message.action {
        case .retract:
            return .cancel
        case .publish, .update:
            guard corrections?.retractOnExpiry == true, let expiry = message.post.expiresAt else {
                return message.action == .update ? .cancel : .unchanged
            }
            return .retract(at: expiry)
        }
    }
}
