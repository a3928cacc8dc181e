import Synchronization

/// The values most recently computed for a few keys, so that work done for one channel is
/// not done again for the next: a post routed to three channels is rendered once, not three
/// times. Bounded: past `capacity` keys, the oldest is forgotten. Safe from any thread; two
/// threads missing the same key at once both compute it, and the second result is dropped.
final class RecentValues<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entries {
        var values: [Key: Value] = [:]
        /// Keys in the order they were added, as a ring: `next` is the oldest once it is full.
        var order: [Key] = []
        var next = 0
    }

    private let capacity: Int
    private let entries = Mutex(Entries())

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// The value for `key`, computed by `make` unless it is still remembered. Nothing is
    /// remembered when `make` throws.
    func value(for key: Key, _ make: (Key) throws -> Value) rethrows -> Value {
        if let known = entries.withLock({ $0.values[key] }) { return known }
        let made = try make(key)
        entries.withLock { entries in
            guard entries.values[key] == nil else { return }
            if entries.order.count < capacity {
                entries.order.append(key)
            } else {
                entries.values[entries.order[entries.next]] = nil
                entries.order[entries.next] = key
                entries.next = (entries.next + 1) % capacity
            }
            entries.values[key] = made
        }
        return made
    }
}
