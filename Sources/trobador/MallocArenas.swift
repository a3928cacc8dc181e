#if canImport(Glibc)
import Glibc
#endif

/// How many malloc arenas glibc may create. By default it makes one for each thread that finds
/// the others busy, up to eight per core, and each keeps the pages it once used: after a
/// 10,000-post drain the daemon held six arenas and 11 MiB of private memory. One arena kept
/// 9.6 MiB but made the drain's threads wait on its lock (10 to 20 % more CPU time, mostly in
/// the kernel's futex wake-ups); two kept about 10 MiB at the CPU time of the default
/// (bench/measure.py's drain under `perf record`, 2 cores).
enum MallocArenas {
    /// Two arenas, unless `MALLOC_ARENA_MAX` (glibc's own setting) says otherwise. Called first
    /// thing in `main`: glibc fixes the limit when a thread other than the main one first
    /// allocates, and no other thread exists yet.
    static func limitUnlessConfigured() {
        #if canImport(Glibc)
        guard getenv("MALLOC_ARENA_MAX") == nil else { return }
        // <malloc.h> is not part of Swift's Glibc module: `mallopt` is looked up by name and
        // M_ARENA_MAX is its value there.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(mArenaMax, arenas)
        #endif
    }

    /// `M_ARENA_MAX` in glibc's <malloc.h>.
    private static let mArenaMax: Int32 = -8
    private static let arenas: Int32 = 2
}
