import TrobadorCore

/// Why a message cannot be sent as it is, said for the operator: a permanent failure, or
/// a transient one (the state database could not be read) worth a retry.
struct DeliveryProblem: Error, Sendable {
    var reason: String
    var transient: Bool

    init(_ reason: String, transient: Bool = false) {
        self.reason = reason
        self.transient = transient
    }

    var outcome: DeliveryOutcome {
        transient ? .retry(after: nil, reason: reason, httpStatus: nil) : .failed(reason: reason, httpStatus: nil)
    }
}
