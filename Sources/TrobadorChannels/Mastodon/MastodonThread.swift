import CurlHTTP
import TrobadorCore

/// The statuses of one thread as they are published, and what to report when it stops.
struct MastodonThread {
    var ids: [String]
    var firstURL: String?
    var lastStatus = 200

    /// From a receipt: its `parts`, or its single `remoteID`.
    init(done receipt: Receipt?) {
        ids = receipt.map { $0.parts.isEmpty ? ($0.remoteID.map { [$0] } ?? []) : $0.parts } ?? []
        firstURL = receipt?.url
    }

    mutating func append(_ response: HTTPResponse, as what: String) throws(MastodonStop) {
        guard let id = MastodonAnswer.id(response) else {
            throw MastodonStop(outcome: .failed(reason: "\(what): the instance answered \(response.status) without a status id", httpStatus: response.status))
        }
        if ids.isEmpty { firstURL = MastodonAnswer.url(response) }
        ids.append(id)
        lastStatus = response.status
    }

    var receipt: Receipt {
        Receipt(remoteID: ids.first, url: firstURL, httpStatus: lastStatus, parts: ids.count > 1 ? ids : [])
    }

    /// A retry keeps what was published, so the next attempt goes on from it; a failure says
    /// which statuses stay online, since nothing will remove them automatically.
    func stopped(_ outcome: DeliveryOutcome) -> DeliveryOutcome {
        guard !ids.isEmpty else { return outcome }
        switch outcome {
        case .retry(let after, let reason, let status, _):
            return .retry(after: after, reason: reason, httpStatus: status, progress: Receipt(remoteID: ids.first, url: firstURL, parts: ids))
        case .failed(let reason, let status):
            return .failed(reason: reason + "; statuses already published: " + ids.joined(separator: ", "), httpStatus: status)
        case .delivered:
            return outcome
        }
    }

    static func prefixed(_ outcome: DeliveryOutcome, with what: String) -> DeliveryOutcome {
        switch outcome {
        case .retry(let after, let reason, let status, let progress):
            .retry(after: after, reason: what + ": " + reason, httpStatus: status, progress: progress)
        case .failed(let reason, let status):
            .failed(reason: what + ": " + reason, httpStatus: status)
        case .delivered:
            outcome
        }
    }
}
