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
        RememberedValues.register(self)
    }

    /// Forgets every value: the next call for any key computes it again.
    func forgetAll() {
        entries.withLock { $0 = Entries() }
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

/// Every `RecentValues` alive, so that a daemon gone idle after a burst of work forgets what
/// it remembered for that burst (`FreeMemory.release`): a few hundred rendered posts, parsed
/// bodies and decoded records, kept only to save work that has now ended.
enum RememberedValues {
    private struct Weak: @unchecked Sendable {
        weak var memo: AnyObject?
        let forget: @Sendable (AnyObject) -> Void
    }

    private static let all = Mutex<[Weak]>([])

    static func register<Key, Value>(_ memo: RecentValues<Key, Value>) {
        all.withLock { all in
            all.removeAll { $0.memo == nil }
            all.append(Weak(memo: memo) { ($0 as? RecentValues<Key, Value>)?.forgetAll() })
        }
    }

    static func forgetAll() {
        for entry in all.withLock({ $0 }) {
            if let memo = entry.memo { entry.forget(memo) }
        }
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
