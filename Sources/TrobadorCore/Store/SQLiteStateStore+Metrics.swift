import Foundation
import GRDB

extension SQLiteStateStore {
    /// Per channel, when an attempt last ended in a delivery (publish, update or retraction).
    /// Read once at start, so that the metrics' "last delivery" survives a restart; the
    /// engine keeps it current afterwards.
    public func lastDeliveredTimes() throws -> [String: Date] {
        try pool.read { db in
            var times: [String: Date] = [:]
            let rows = try Row.fetchAll(db, sql: """
                SELECT d.channel AS channel, MAX(a.finished_at) AS at FROM attempts a
                JOIN deliveries d ON d.id = a.delivery_id
                WHERE a.outcome = 'delivered' GROUP BY d.channel
                """)
            for row in rows {
                guard let at = row["at"] as Int64? else { continue }
                times[row["channel"]] = Date(millis: at)
            }
            return times
        }
    }
}
