import TrobadorCore

/// One message of a published post as its receipt records it (`Receipt.parts`): text by its
/// id, images as `media:<id>`, so that a later update knows which messages to edit as text
/// and which it must leave or re-caption. Shared by the channels that publish threads with
/// images (Telegram, Matrix).
enum RecordedPart: Equatable, Sendable {
    case text(String)
    case media(String)

    init(recorded: String) {
        self = recorded.hasPrefix(Self.mediaPrefix) ? .media(String(recorded.dropFirst(Self.mediaPrefix.count))) : .text(recorded)
    }

    static let mediaPrefix = "media:"

    var recorded: String {
        switch self {
        case .text(let id): id
        case .media(let id): Self.mediaPrefix + id
        }
    }

    /// The network's id of the message.
    var id: String {
        switch self {
        case .text(let id), .media(let id): id
        }
    }

    var isText: Bool { if case .text = self { true } else { false } }

    /// What earlier attempts of this delivery already published, slot by slot, so that the
    /// next attempt does not publish it again.
    static func resumed(from progress: Receipt?, slots: Int) -> [String?] {
        var ids = [String?](repeating: nil, count: slots)
        for (slot, id) in (progress?.parts ?? []).prefix(slots).enumerated() { ids[slot] = id }
        return ids
    }
}
