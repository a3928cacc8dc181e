import Glibc
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

/// Text as a key, compared and hashed byte for byte. A `String` key hashes its canonical
/// (NFC) form, which for a post body full of accents and emoji costs more than the lookup
/// saves; two texts that differ only in normalisation are simply two keys here.
struct ExactText: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (lhs: ExactText, rhs: ExactText) -> Bool {
        var (left, right) = (lhs.text, rhs.text)
        return left.withUTF8 { a in
            right.withUTF8 { b in a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0) }
        }
    }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
