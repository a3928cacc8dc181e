import Foundation
import Synchronization

/// Wakes the delivery loop: when posts arrive, when an attempt ends, or when the next
/// delivery falls due. Waiting with no deadline sets no timer at all, so an idle daemon
/// does not wake up.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Wakes the waiter, or the next call to `wait` if none is waiting.
    func fire() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns when fired, at `deadline`, or on cancellation, whichever comes first.
    /// One waiter at a time.
    func wait(until deadline: Date?) async {
        guard let deadline else { return await waitForFire() }
        let delay = deadline.timeIntervalSinceNow
        if delay <= 0 { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForFire() }
            group.addTask { try? await Task.sleep(for: .milliseconds(Int64((delay * 1000).rounded(.up)))) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForFire() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Bool in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            // A spurious wake is harmless: the loop looks again at what is due.
            fire()
        }
    }
}
