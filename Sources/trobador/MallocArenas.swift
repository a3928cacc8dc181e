#if canImport(Glibc)
import Glibc
#endif

/// How many malloc arenas glibc may create. By default it makes one per thread that finds the
/// others busy, up to eight per core, and each keeps the pages it once used: after a
/// 10,000-post drain the daemon held six arenas and 11 MiB of private memory, 9 MiB with one
/// (bench/measure.py's drain). The daemon's threads mostly wait on the disk and the network,
/// so they seldom allocate at the same moment and one arena costs no measurable CPU there.
enum MallocArenas {
    /// One arena, unless `MALLOC_ARENA_MAX` (glibc's own setting) says otherwise. Called first
    /// thing in `main`: glibc fixes the limit when the first thread other than the main one
    /// allocates, and no other thread exists yet.
    static func limitUnlessConfigured() {
        #if canImport(Glibc)
        guard getenv("MALLOC_ARENA_MAX") == nil else { return }
        // <malloc.h> is not part of Swift's Glibc module: `mallopt` is looked up by name and
        // M_ARENA_MAX is its value there.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(mArenaMax, 1)
        #endif
    }

    /// `M_ARENA_MAX` in glibc's <malloc.h>.
    private static let mArenaMax: Int32 = -8
}
