/// The `HTTPClient` the daemon uses: libcurl's multi interface, driven by one dedicated
/// thread, with connections kept alive and reused across requests.
///
/// Every request gets the delivery rules of the specification whatever it asks: TLS
/// verification on, `http` and `https` only, redirects returned rather than followed, and
/// the request's own connect and total timeouts. Response bodies are capped so one bad
/// server cannot exhaust memory.
///
/// Cancelling the task that awaits `send` aborts the transfer and throws `.cancelled`.
/// Call `shutdown()` to stop; dropping the last reference does the same.
public final class CurlHTTPClient: HTTPClient {
    /// What applies to every request of one client.
    struct Settings: Sendable {
        var maxResponseBodySize: Int
        var caBundlePath: String?
    }

    private let settings: Settings
    private let loop: CurlMultiLoop

    /// - Parameters:
    ///   - maxConnectionsPerHost: open connections to one host at most; further requests
    ///     wait for one to be free (CURLMOPT_MAX_HOST_CONNECTIONS). nil, the daemon's choice:
    ///     no limit of the client's own, since each channel's `concurrency` already bounds
    ///     its requests in flight, and a lower cap here would silently lower that setting for
    ///     channels that share a host (three webhooks to one receiver got 8 requests at once
    ///     between them, not 3 × 16).
    ///   - maxConnections: open connections in all at most (CURLMOPT_MAX_TOTAL_CONNECTIONS);
    ///     nil: no limit, for the same reason.
    ///   - idleConnections: connections kept open for reuse once idle (CURLMOPT_MAXCONNECTS).
    ///   - maxResponseBodySize: a larger body fails with `.responseTooLarge` and the
    ///     transfer is aborted.
    ///   - caBundlePath: trusted certificates in PEM instead of the system store; for tests.
    public init(
        maxConnectionsPerHost: Int? = nil,
        maxConnections: Int? = nil,
        idleConnections: Int = 64,
        maxResponseBodySize: Int = 4 * 1024 * 1024,
        caBundlePath: String? = nil
    ) {
        precondition((maxConnectionsPerHost ?? 1) > 0 && (maxConnections ?? 1) > 0 && idleConnections > 0,
                     "connection limits must be positive")
        precondition(maxResponseBodySize >= 0, "maxResponseBodySize must not be negative")
        settings = Settings(maxResponseBodySize: maxResponseBodySize, caBundlePath: caBundlePath)
        loop = CurlMultiLoop(
            maxConnectionsPerHost: maxConnectionsPerHost ?? 0, maxConnections: maxConnections ?? 0, idleConnections: idleConnections)
    }

    deinit {
        loop.shutdown()
    }

    public func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let transfer = try Transfer(request: request, settings: settings, handles: loop.handles)
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                transfer.continuation = continuation
                loop.submit(transfer)
            }
        } onCancel: { [loop] in
            loop.cancel(transfer)
        }
        return try outcome.get()
    }

    /// Whether easy handles of ended transfers are kept for the next requests (for tests).
    var keepsEasyHandles: Bool { loop.handles.keepsAny }

    /// Stops the loop thread and closes every connection. Requests in flight or sent later
    /// fail with `.cancelled`. Blocks until the thread has finished (briefly: nothing waits
    /// on the network). Safe to call more than once.
    public func shutdown() {
        loop.shutdown()
    }
}
