/// One channel's abilities and choices for corrections and retractions: whether its type can
/// edit and delete what it published (its capabilities), what to do with an update when it
/// cannot edit (`on_update`), and whether published copies are retracted once the post's
/// `expires_at` has passed (`retract_on_expiry`).
public struct CorrectionSettings: Sendable, Equatable {
    // `canEdit`: the type applies updates itself, in place or by replacing the copy (Bluesky).
    /// The channel's `type`, for messages.
    public var channelType: String
    public var canEdit: Bool
    public var canDelete: Bool
    public var onUpdate: UpdateFallback
    public var retractOnExpiry: Bool

    public init(
        channelType: String = "", canEdit: Bool = true, canDelete: Bool = true, onUpdate: UpdateFallback = .new,
        retractOnExpiry: Bool = false
    ) {
        self.channelType = channelType
        self.canEdit = canEdit
        self.canDelete = canDelete
        self.onUpdate = onUpdate
        self.retractOnExpiry = retractOnExpiry
    }

    /// The settings of a configured channel of a type with these capabilities: the channel's
    /// own keys first, then `[delivery]`'s.
    public init(capabilities: ChannelCapabilities, channel: ChannelConfig, delivery: DeliverySettings) {
        self.init(
            channelType: channel.type, canEdit: capabilities.appliesUpdates, canDelete: capabilities.delete, onUpdate: channel.onUpdate ?? delivery.onUpdate,
            retractOnExpiry: channel.retractOnExpiry ?? delivery.retractOnExpiry)
    }
}
