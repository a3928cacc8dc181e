import CurlHTTP
import TrobadorCore

extension HTTPClient {
    /// One request, with "no response at all" as a value rather than a throw, the form
    /// `HTTPOutcome.classify` reads.
    func exchange(_ request: HTTPRequest) async -> Result<HTTPResponse, HTTPError> {
        do {
            return .success(try await send(request))
        } catch {
            return .failure(error)
        }
    }
}

extension DeliveryOutcome {
    /// The same outcome, with the platform's own explanation as the reason when it gave one:
    /// the status rule stays `HTTPOutcome`'s, only the words change.
    func explained(by platformReason: String?) -> DeliveryOutcome {
        guard let platformReason, !platformReason.isEmpty else { return self }
        switch self {
        case .delivered: return self
        case .retry(let after, _, let status, let progress):
            return .retry(after: after, reason: platformReason, httpStatus: status, progress: progress)
        case .failed(_, let status):
            return .failed(reason: platformReason, httpStatus: status)
        }
    }
}
