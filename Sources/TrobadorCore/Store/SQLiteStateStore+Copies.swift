import Foundation
import GRDB

/// The copies of a post a channel still shows, read from its deliveries there: what a
/// retraction must delete, and what `status` names when it could not.
extension SQLiteStateStore {
    /// Every copy of `postID` on `channel` still online after the deliveries up to `version`
    /// (included), oldest first: the first publication, then each correction published as a
    /// new message. An edit (in place, or by replacing the copy) takes the place of the copy
    /// it edited; a retraction takes away the copies it deleted (all of them once it ended
    /// `retracted`). Only deliveries that left a remote id count: nothing else can be found.
    static func copiesOnline(postID: String, channel: String, through version: Int, db: Database) throws -> [Receipt] {
        // A database no daemon of this version has opened yet has no audit trail, and no
        // correction published anew.
        let audited = try db.tableExists("audit")
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT d.action, d.state, d.remote_id, d.remote_url, d.remote_parts,
                       \(audited ? "EXISTS (SELECT 1 FROM audit a WHERE a.delivery_id = d.id AND a.performed = ?)" : "0") AS anew
                FROM deliveries d
                WHERE d.post_id = ? AND d.channel = ? AND d.version <= ? AND d.remote_id IS NOT NULL
                ORDER BY d.version, d.id
                """,
            arguments: audited ? [AuditEntry.updateAsNewMessage, postID, channel, version] : [postID, channel, version])
        var copies: [Receipt] = []
        for row in rows {
            let receipt = Receipt(remoteID: row["remote_id"], url: row["remote_url"], parts: parts(row["remote_parts"]))
            switch PostAction(rawValue: row["action"]) ?? .publish {
            case .publish:
                copies.append(receipt)
            case .update where row["anew"] as Bool:
                copies.append(receipt)
            case .update:
                if copies.isEmpty { copies.append(receipt) } else { copies[copies.count - 1] = receipt }
            case .retract:
                if row["state"] as String == DeliveryState.retracted.rawValue {
                    copies.removeAll()
                } else {
                    // Part way through: its progress names the copies already deleted.
                    let deleted = Set(receipt.parts.isEmpty ? [receipt.remoteID].compactMap { $0 } : receipt.parts)
                    copies.removeAll { $0.remoteID.map(deleted.contains) ?? false }
                }
            }
        }
        return copies
    }
}
