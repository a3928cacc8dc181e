import CurlHTTP
import Foundation
import Synchronization

/// The HTTP client adapters are given by the daemon: sends through the real client and, while
/// the delivery engine runs an attempt under a `SentRequestRecorder`, records each request as
/// it left, for the audit trail. The recorder is a task-local value, so requests an adapter
/// sends from child tasks (uploads in parallel) are recorded too, and adapters need no change.
public struct RecordingHTTPClient: HTTPClient {
    @TaskLocal static var recorder: SentRequestRecorder?

    private let base: any HTTPClient

    public init(_ base: any HTTPClient) { self.base = base }

    public func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        guard let recorder = Self.recorder else { return try await base.send(request) }
        do {
            let response = try await base.send(request)
            recorder.add(request, status: response.status, error: nil)
            return response
        } catch {
            recorder.add(request, status: nil, error: error.message)
            throw error
        }
    }
}

/// The requests of one attempt, redacted as they are recorded.
final class SentRequestRecorder: Sendable {
    private let redactions: [(secret: String, shown: String)]
    private let requests = Mutex<[RecordedRequest]>([])

    init(redactions: [(secret: String, shown: String)]) {
        self.redactions = redactions
    }

    func add(_ request: HTTPRequest, status: Int?, error: String?) {
        let sent = RecordedRequest(request, status: status, error: error, redactions: redactions)
        requests.withLock { $0.append(sent) }
    }

    var recorded: SentRequests { SentRequests(recorded: requests.withLock { $0 }) }

    /// Runs `operation` with this recorder collecting what `RecordingHTTPClient` sends.
    func recording<Result: Sendable>(_ operation: () async -> Result) async -> Result {
        await RecordingHTTPClient.$recorder.withValue(self) { await operation() }
    }
}
