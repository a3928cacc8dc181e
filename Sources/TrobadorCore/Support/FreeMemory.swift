#if canImport(Glibc)
import Glibc
#endif

/// glibc's `malloc_trim`: returns to the system the free pages at the top of malloc's heaps
/// and in its arenas, which malloc otherwise keeps for the next burst of allocations.
enum FreeMemory {
    /// What an idle daemon does not need: the values remembered for the work that ended
    /// (`RememberedValues`), then the pages malloc kept.
    static func release() {
        RememberedValues.forgetAll()
        trim()
    }

    private static func trim() {
        #if canImport(Glibc)
        // <malloc.h> is not part of Swift's Glibc module: looked up by name.
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }
}
