import Foundation

/// How one claimed message goes out on its channel, given what the channel can do: as it is;
/// as a new message when the channel cannot edit and `on_update = "new"`; or not at all, with
/// the reason recorded, when `on_update = "skip"` or when the channel cannot delete. Decided
/// from the channel type's capabilities alone, so that every type, built in or plugin, is
/// treated alike and no adapter is asked for what it cannot do.
public enum DeliveryRoute: Sendable {
    case send(OutboundMessage)
    /// An update published as a new message; `note` says so in the log and the audit trail.
    case republish(OutboundMessage, note: String)
    case withhold(Withheld)

    /// Nothing is sent: what the delivery becomes, and why.
    public struct Withheld: Sendable {
        /// `cancelled` for a skipped update, `failed` for a copy an operator must remove.
        public var state: DeliveryState
        public var event: LogEventName
        public var level: LogLevel
        public var reason: String
        /// The published copy the operator should look at.
        public var url: String?
        /// What was done, in the audit trail's words.
        public var performed: String
    }

    public static func decide(_ message: OutboundMessage, settings: CorrectionSettings) -> DeliveryRoute {
        let channel = "channel \(message.channel)" + (settings.channelType.isEmpty ? "" : " (type \(settings.channelType))")
        let copy = message.previousReceipt
        switch message.action {
        case .publish:
            return .send(message)
        case .update where settings.canEdit:
            return .send(message)
        case .update:
            switch settings.onUpdate {
            case .new:
                var correction = message
                correction.action = .publish
                correction.post = message.post.asCorrection()
                correction.previousReceipt = nil
                return .republish(correction, note: "\(channel) cannot edit a published message: the corrected version was "
                    + "published as a new message marked as a correction (on_update = \"new\")")
            case .skip:
                let place = copy?.url.map { " at \($0)" } ?? ""
                return .withhold(Withheld(
                    state: .cancelled, event: .skipped, level: .warning,
                    reason: "not sent: \(channel) cannot edit a published message and on_update = \"skip\"; the copy published "
                        + "earlier\(place) stays as it was: edit it by hand, or set on_update = \"new\" to publish corrections as new messages",
                    url: copy?.url, performed: AuditEntry.updateSkipped))
            }
        case .retract where settings.canDelete:
            return .send(message)
        case .retract:
            let place = copy?.url.map { "remove it by hand at \($0) (`trobador status` lists every copy)" }
                ?? "remove it by hand: the network gave no address for it (look for post \(message.post.id) in the channel)"
            return .withhold(Withheld(
                state: .failed, event: .failed, level: .error,
                reason: "not deleted: \(channel) cannot delete a published message; \(place)",
                url: copy?.url, performed: AuditEntry.retractionLeftToOperator))
        }
    }
}
