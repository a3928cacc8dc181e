import Foundation
import TrobadorCore

/// Why a message cannot be sent as it is, found before sending and said for the operator:
/// a permanent failure, or a transient one (the state database could not be read) worth a retry.
struct DeliveryProblem: Error, Sendable, CustomStringConvertible {
    var reason: String
    var transient: Bool

    init(_ reason: String, transient: Bool = false) {
        self.reason = reason
        self.transient = transient
    }

    var description: String { reason }

    var outcome: DeliveryOutcome {
        transient ? .retry(after: nil, reason: reason, httpStatus: nil) : .failed(reason: reason, httpStatus: nil)
    }

    /// A file size for a message: `2.3 MiB`, `15 MiB`.
    static func size(_ bytes: Int) -> String {
        let mib = Double(bytes) / Double(1 << 20)
        return mib >= 10 ? "\(Int(mib.rounded())) MiB" : String(format: "%.1f MiB", mib)
    }
}
