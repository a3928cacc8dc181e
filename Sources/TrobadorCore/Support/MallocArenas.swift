import Glibc

/// How many malloc arenas glibc may create. By default it makes one for each thread that finds
/// the others busy, up to eight per core, and each keeps the pages it once used: after a
/// 10,000-post drain the daemon held six arenas and 11 MiB of private memory. One arena kept
/// 9.6 MiB but made the drain's threads wait on its lock (10 to 20 % more CPU time, mostly in
/// the kernel's futex wake-ups); two kept about 10 MiB at the CPU time of the default
/// (bench/measure.py's drain under `perf record`, 2 cores).
public enum MallocArenas {
    /// Two arenas, unless `MALLOC_ARENA_MAX` (glibc's own setting) says otherwise. Called first
    /// thing in `main`: glibc fixes the limit when a thread other than the main one first
    /// allocates, and no other thread exists yet.
    public static func limitUnlessConfigured() {
        guard getenv("MALLOC_ARENA_MAX") == nil else { return }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        _ = GlibcSymbol.function("mallopt", as: Mallopt.self)?(mArenaMax, arenas)
    }

    /// `M_ARENA_MAX` in glibc's <malloc.h>, `mallopt`'s name for the limit.
    private static let mArenaMax: Int32 = -8
    private static let arenas: Int32 = 2
}
