import CCurlShim
import Synchronization

/// Easy handles whose transfer ended, kept for the next transfers of the same client.
///
/// A handle made and freed for every request (`curl_easy_init`, `curl_easy_cleanup`) costs
/// libcurl its allocations and their release each time: 2.7 % of the daemon's CPU in a drain,
/// about a tenth of libcurl's instructions per request. A handle given back is reset first
/// (`curl_easy_reset`: every option back to its default, so nothing of the request before,
/// and no pointer to its transfer, stays in it); libcurl keeps its buffers. The pool is
/// emptied once the client has had nothing under way for a second (`releaseIdle`, called by
/// its loop), so an idle daemon holds no handle, and it holds at most `limit` at any time.
final class EasyHandlePool: Sendable {
    /// An easy handle, owned by whoever took it out of the pool (or by the pool).
    private struct Handle: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
    }

    private let idle = Mutex<[Handle]>([])
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    deinit {
        releaseIdle()
    }

    /// A handle with every option at its default: one given back earlier, or a new one;
    /// nil when libcurl cannot make one (out of memory).
    func take() -> UnsafeMutableRawPointer? {
        if let kept = idle.withLock({ $0.popLast() }) { return kept.pointer }
        return curl_easy_init()  // libcurl was initialised by the loop that made the pool
    }

    /// Takes back a handle that is in no multi handle any more, reset for the next request;
    /// freed at once when the pool is full.
    func giveBack(_ easy: UnsafeMutableRawPointer) {
        curl_easy_reset(easy)
        let kept = idle.withLock { idle in
            guard idle.count < limit else { return false }
            idle.append(Handle(pointer: easy))
            return true
        }
        if !kept { curl_easy_cleanup(easy) }
    }

    /// Whether the pool holds any handle.
    var keepsAny: Bool {
        idle.withLock { !$0.isEmpty }
    }

    /// Frees the handles kept.
    func releaseIdle() {
        let handles = idle.withLock { idle in
            defer { idle.removeAll() }
            return idle
        }
        for handle in handles { curl_easy_cleanup(handle.pointer) }
    }
}
