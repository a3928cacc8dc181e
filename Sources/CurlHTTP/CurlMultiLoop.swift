#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CCurlShim
import Synchronization

/// The thread that drives every transfer of one client through a libcurl multi handle.
///
/// Tasks never touch the multi handle: they queue transfers and cancellations under
/// `shared` and call `curl_multi_wakeup`, the one multi function libcurl allows from another
/// thread. The loop blocks in `curl_multi_poll` until a socket is ready, a libcurl timer is
/// due, or it is woken, so an idle client costs no CPU. Only the first transfer (or
/// cancellation) queued since the loop last took the queue wakes it: the loop takes the
/// whole queue each time, and a wake-up not yet consumed ends its next poll at once, so the
/// transfers an engine step starts together cost one wake-up, not one each.
///
/// `@unchecked Sendable`: `multi` is used from other threads only for `curl_multi_wakeup`,
/// and `active` only on the loop thread; everything else is behind a `Mutex`.
final class CurlMultiLoop: @unchecked Sendable {
    private struct Shared {
        var incoming: [Transfer] = []
        var cancellations: [Transfer] = []
        var stopping = false
    }

    private let multi: UnsafeMutableRawPointer
    /// The easy handles of ended transfers, for the next ones; emptied once nothing has been
    /// under way for `handleKeepMilliseconds`.
    let handles: EasyHandlePool
    private let shared = Mutex(Shared())
    private let thread = Mutex<pthread_t?>(nil)
    /// Transfers added to the multi handle, holding the strong references that the
    /// unretained pointers given to libcurl rely on. Loop thread only.
    private var active: [ObjectIdentifier: Transfer] = [:]

    /// Limits as libcurl takes them: 0 for `maxConnectionsPerHost` or `maxConnections` is no limit.
    init(maxConnectionsPerHost: Int, maxConnections: Int, idleConnections: Int) {
        CurlGlobal.ensureInitialized()
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed (out of memory)") }
        self.multi = multi
        handles = EasyHandlePool(limit: idleConnections)
        curlshim_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost)
        curlshim_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, maxConnections)
        curlshim_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, idleConnections)
        startThread()
    }

    deinit {
        // The thread holds a reference until it returns, so it is gone by now and no
        // transfer is left in the handle.
        curl_multi_cleanup(multi)
    }

    private func startThread() {
        var handle = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(&handle, nil, { context in
            let loop = Unmanaged<CurlMultiLoop>.fromOpaque(context!).takeRetainedValue()
            loop.run()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<CurlMultiLoop>.fromOpaque(context).release()
            fatalError("cannot start the HTTP loop thread: pthread_create returned \(status)")
        }
        thread.withLock { $0 = handle }
    }

    // MARK: Called from any thread

    /// Hands `transfer` to the loop, or fails it at once if it was cancelled already or the
    /// loop is stopping.
    func submit(_ transfer: Transfer) {
        // The transfer's lock is held while queueing, so a cancellation can only be queued
        // after the transfer itself, and the loop always finds it.
        var wake = false
        let refusal: String? = transfer.submission.withLock { submission in
            guard submission == .notSubmitted else { return "request cancelled" }
            let queued = shared.withLock { shared in
                guard !shared.stopping else { return false }
                wake = shared.incoming.isEmpty
                shared.incoming.append(transfer)
                return true
            }
            guard queued else { return "the HTTP client was shut down" }
            submission = .submitted
            return nil
        }
        if let refusal {
            transfer.complete(.failure(HTTPError(kind: .cancelled, message: refusal)))
        } else if wake {
            curl_multi_wakeup(multi)
        }
    }

    /// Asks the loop to abort `transfer`; it resumes with `.cancelled` unless it finished first.
    func cancel(_ transfer: Transfer) {
        let wasSubmitted = transfer.submission.withLock { submission in
            defer { submission = .cancelled }
            return submission == .submitted
        }
        guard wasSubmitted else { return }  // submit() sees .cancelled and fails it
        let wake = shared.withLock { shared in
            defer { shared.cancellations.append(transfer) }
            return shared.cancellations.isEmpty
        }
        if wake { curl_multi_wakeup(multi) }
    }

    /// Stops the loop: queued and running transfers fail with `.cancelled`. Waits for the
    /// thread to finish, unless called from it. Safe to call more than once.
    func shutdown() {
        shared.withLock { $0.stopping = true }
        curl_multi_wakeup(multi)
        guard let handle = thread.withLock({ handle in defer { handle = nil }; return handle }) else { return }
        if pthread_equal(handle, pthread_self()) != 0 {
            pthread_detach(handle)
        } else {
            pthread_join(handle, nil)
        }
    }

    // MARK: Loop thread

    /// How long the easy handles of ended transfers are kept once nothing is under way.
    static let handleKeepMilliseconds: Int32 = 1000
    private static var handleKeepTime: Duration { .milliseconds(handleKeepMilliseconds) }

    private func run() {
        var stillRunning: Int32 = 0
        var lastBusy = ContinuousClock.now
        while true {
            let (incoming, cancellations, stopping) = shared.withLock { shared in
                defer {
                    shared.incoming.removeAll()
                    shared.cancellations.removeAll()
                }
                return (shared.incoming, shared.cancellations, shared.stopping)
            }
            if stopping {
                stopAll(plus: incoming)
                return
            }
            // Incoming before cancellations: a cancellation may be for a transfer of this batch.
            incoming.forEach(start)
            let busy = !active.isEmpty
            cancellations.forEach { abort($0, message: "request cancelled") }
            curl_multi_perform(multi, &stillRunning)
            completeFinished()
            // The handles kept for the next requests are freed once nothing has been under
            // way for a while: not as soon as the last transfer ends, which in a burst happens
            // between one request's end and the next one's submission.
            if busy {
                lastBusy = .now
            } else if ContinuousClock.now - lastBusy >= Self.handleKeepTime {
                handles.releaseIdle()
            }
            // The long timeout only bounds a sleep with nothing to do; libcurl shortens it
            // to its next timer, and curl_multi_wakeup ends it early. Idle with handles kept,
            // the loop wakes once more to free them.
            let wait = active.isEmpty && handles.keepsAny ? Self.handleKeepMilliseconds : Int32.max
            curl_multi_poll(multi, nil, 0, wait, nil)
        }
    }

    private func start(_ transfer: Transfer) {
        guard let easy = transfer.easy else { return }
        transfer.startedAt = .now
        let status = curl_multi_add_handle(multi, easy)
        guard status == CURLM_OK else {
            let reason = String(cString: curl_multi_strerror(status))
            transfer.complete(.failure(HTTPError(kind: .transport, message: "curl_multi_add_handle failed: \(reason)")))
            return
        }
        active[ObjectIdentifier(transfer)] = transfer
    }

    private func abort(_ transfer: Transfer, message: String) {
        guard active.removeValue(forKey: ObjectIdentifier(transfer)) != nil else { return }  // finished first
        transfer.detach(from: multi)
        transfer.complete(.failure(HTTPError(kind: .cancelled, message: message, duration: transfer.elapsed)))
    }

    private func completeFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            var context: UnsafeMutableRawPointer?
            curlshim_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &context)
            guard let context else { continue }
            let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
            guard active.removeValue(forKey: ObjectIdentifier(transfer)) != nil else { continue }
            let outcome = transfer.outcome(for: message.pointee.data.result)
            transfer.detach(from: multi)
            transfer.complete(outcome)
        }
    }

    private func stopAll(plus incoming: [Transfer]) {
        let message = "the HTTP client was shut down"
        for transfer in incoming {
            transfer.complete(.failure(HTTPError(kind: .cancelled, message: message)))
        }
        for transfer in Array(active.values) {
            abort(transfer, message: message)
        }
        handles.releaseIdle()
    }
}
