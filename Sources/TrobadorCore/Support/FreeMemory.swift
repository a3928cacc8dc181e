import Dispatch
import Glibc

/// glibc's `malloc_trim`: returns to the system the free pages at the top of malloc's heaps
/// and in its arenas, which malloc otherwise keeps for the next burst of allocations.
enum FreeMemory {
    /// What an idle daemon does not need: the values remembered for the work that ended
    /// (`RememberedValues`), then the pages malloc kept.
    static func release() {
        RememberedValues.forgetAll()
        trim()
        // The threads the burst woke (libdispatch's workers, the Swift pool's) exit after a few
        // seconds with nothing to do, and glibc then hands the chunks each kept in its own
        // cache (tcache) back to the arenas: pages that become wholly free only then. Seen on a
        // daemon held idle after a 10,000-post drain: 9 threads, then 5 between 8 and 16 s,
        // and a trim after that returned 1.1 MB more. One timer, once per burst.
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + afterThreadsExit) { trim() }
    }

    /// How long after going idle the second trim comes: once the idle threads have exited.
    static let afterThreadsExit: DispatchTimeInterval = .seconds(20)

    private static func trim() {
        typealias MallocTrim = @convention(c) (Int) -> Int32
        _ = GlibcSymbol.function("malloc_trim", as: MallocTrim.self)?(0)
    }
}

/// glibc functions that Swift's Glibc module does not declare (<malloc.h>'s `malloc_trim` and
/// `mallopt`, `renameat2`): looked up by name in the process; nil where glibc lacks them.
enum GlibcSymbol {
    static func function<Function>(_ name: String, as type: Function.Type) -> Function? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }
}
