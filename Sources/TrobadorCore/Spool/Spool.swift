import Foundation

/// The spool directory: `inbox/` where posts arrive, `archive/YYYY-MM-DD/` where they go
/// once stored, `rejected/` where invalid ones go with a `.error` file beside them.
/// Nothing is ever deleted.
public struct Spool: Sendable {
    public let root: String
    public var inbox: String { root + "/inbox" }
    public var archive: String { root + "/archive" }
    public var rejected: String { root + "/rejected" }
    /// Requests from operator commands to the running daemon (`OperatorRequest`).
    public var control: String { root + "/control" }

    public init(root: String) {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
    }

    /// Creates the directories that are missing.
    public func prepare() throws {
        for directory in [root, inbox, archive, rejected, control] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
    }

    /// Names that are being written and must be left alone (SPEC: dot files, `.tmp`,
    /// `.part`, `.swp`, `~`), and the `.error` files of an inbox used as a reject pile.
    public static func isIgnored(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix(".tmp") || name.hasSuffix(".part") || name.hasSuffix(".swp")
            || name.hasSuffix("~") || name.isEmpty
    }

    /// When `path` last changed, in seconds since 1970: a file's modification time; for a
    /// folder, the latest of its own and of everything below it (a media file still being
    /// copied into a post folder keeps changing). Links are not followed; nil if nothing is there.
    public static func lastChange(at path: String) -> Double? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        var latest = changeTime(info)
        guard info.st_mode & S_IFMT == S_IFDIR, let inside = FileManager.default.enumerator(atPath: path) else { return latest }
        // A post folder holds a post and a few images; the bound keeps a huge tree from stalling intake.
        for case let relative as String in inside.prefix(1000) {
            var child = stat()
            if lstat(path + "/" + relative, &child) == 0 {
                latest = max(latest, changeTime(child))
            }
        }
        return latest
    }

    /// The modification time `lstat` gave, in seconds since 1970.
    static func changeTime(_ info: stat) -> Double {
        Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    }

    /// Moves inbox entries to today's archive directory and makes the moves durable.
    /// Returns the new paths relative to the spool, in order (`inbox/NAME` for an entry
    /// someone took out of the inbox after it was stored).
    public func archive(_ names: [String], on date: Date) throws -> [String] {
        let moved = try moveToArchive(names, on: date)
        if !names.isEmpty { try syncArchive(on: date) }
        return moved
    }

    /// `archive` without its wait for the disk: the entries are in the day's archive directory
    /// when it returns, and stay there after a power cut once `syncArchive(on:)` returned.
    /// Intake starts delivering between the two: a stored post is safe in the state database
    /// already, and a move lost by a crash brings back a file that intake recognises as stored.
    public func moveToArchive(_ names: [String], on date: Date) throws -> [String] {
        let day = Self.day(date)
        let directory = archive + "/" + day
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var moved: [String] = []
        for name in names {
            do {
                let target = try Self.moveUnique(from: inbox + "/" + name, toDirectory: directory, name: name)
                moved.append("archive/\(day)/\(target)")
            } catch let error as SpoolError where error.code == ENOENT {
                // Taken out of the inbox after it was read and stored: stored is what counts.
                moved.append("inbox/\(name)")
            }
        }
        return moved
    }

    /// Makes the moves of `moveToArchive(_:on:)` on `date` durable: the day's archive
    /// directory and the inbox synced.
    public func syncArchive(on date: Date) throws {
        try Self.syncDirectory(archive + "/" + Self.day(date))
        try Self.syncDirectory(inbox)
    }

    /// Moves an inbox entry to `rejected/` with `NAME.error` beside it, written first so that a
    /// rejected file never lies there without its reason. Returns the new path relative to the spool.
    public func reject(_ name: String, report: String) throws -> String {
        let target = Self.uniqueName(for: name, in: rejected) { candidate in
            FileManager.default.fileExists(atPath: rejected + "/" + candidate + ".error")
        }
        try Self.writeDurably(Array(report.utf8), to: rejected + "/" + target + ".error")
        if rename(inbox + "/" + name, rejected + "/" + target) != 0 {
            let code = errno
            // The entry stays in the inbox: no reason may lie in rejected/ without its file.
            unlink(rejected + "/" + target + ".error")
            throw SpoolError(path: inbox + "/" + name, operation: "move to rejected/", code: code)
        }
        try Self.syncDirectory(rejected)
        try Self.syncDirectory(inbox)
        return "rejected/" + target
    }

    /// Whether a file written whole is synced before and after it takes its place.
    public enum WriteDurability: Sendable {
        /// The file and its directory are synced: it survives a crash once this returns.
        case synced
        /// Only atomic: a reader sees the old file or the new one, never half of one; after a
        /// crash the writer writes it again (the metrics file).
        case atomicOnly
    }

    /// Writes a file whole under a temporary name, syncs it, then renames it into place, so
    /// that a reader sees all of it or nothing (how `trobador submit` drops posts).
    public static func writeDurably(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        try writeWhole(bytes, to: path, mode: mode, durability: .synced)
    }

    /// Writes a file whole under a temporary name and renames it over `path`. With
    /// `exactMode`, the file gets `mode` whatever the process's umask.
    public static func writeWhole(
        _ bytes: [UInt8], to path: String, mode: mode_t = 0o644, exactMode: Bool = false, durability: WriteDurability
    ) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = directory + "/." + (path as NSString).lastPathComponent + ".\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw SpoolError(path: temporary, operation: "create", code: errno) }
        if exactMode { fchmod(fd, mode) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                unlink(temporary)
                throw SpoolError(path: temporary, operation: "write", code: code)
            }
            offset += written
        }
        if durability == .synced, fsync(fd) != 0 {
            let code = errno
            close(fd)
            unlink(temporary)
            throw SpoolError(path: temporary, operation: "sync", code: code)
        }
        close(fd)
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw SpoolError(path: path, operation: durability == .synced ? "rename into place" : "replace", code: code)
        }
        if durability == .synced { try syncDirectory(directory) }
    }

    /// fsync on a directory makes the renames into and out of it durable.
    public static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw SpoolError(path: path, operation: "open directory", code: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw SpoolError(path: path, operation: "sync directory", code: errno) }
    }

    /// Moves `source` into `directory` under `name`, or the first of `uniqueName`'s other names
    /// not taken there; returns the name it has now. The move itself refuses a taken name
    /// (`renameat2` with `RENAME_NOREPLACE`), so nothing is looked up before it and nothing
    /// already there is ever replaced; where the file system cannot do that, each name is
    /// looked up first, as before.
    static func moveUnique(from source: String, toDirectory directory: String, name: String) throws -> String {
        if let renameNoReplace = Self.renameNoReplace {
            names: for candidate in candidateNames(for: name) {
                if renameNoReplace(AT_FDCWD, source, AT_FDCWD, directory + "/" + candidate, renameNoReplaceFlag) == 0 { return candidate }
                switch errno {
                case EEXIST: continue
                case EINVAL, ENOSYS: break names  // this file system (or kernel) cannot refuse: look names up
                case let code: throw SpoolError(path: source, operation: "move to \(directory)", code: code)
                }
            }
        }
        let target = uniqueName(for: name, in: directory) { _ in false }
        if rename(source, directory + "/" + target) != 0 {
            throw SpoolError(path: source, operation: "move to \(directory)", code: errno)
        }
        return target
    }

    /// glibc's `renameat2` (2.28 and later; not in Swift's Glibc module), looked up by name.
    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    private static let renameNoReplace = GlibcSymbol.function("renameat2", as: RenameAt2.self)
    /// `RENAME_NOREPLACE` of <linux/fs.h>.
    private static let renameNoReplaceFlag: UInt32 = 1

    /// `name`, or `stem.2.ext`, `stem.3.ext`... when that name is taken.
    public static func uniqueName(for name: String, in directory: String, alsoTaken: (String) -> Bool) -> String {
        candidateNames(for: name).first { candidate in
            var info = stat()
            return !(lstat(directory + "/" + candidate, &info) == 0 || alsoTaken(candidate))
        }!
    }

    /// `name`, then `stem.2.ext`, `stem.3.ext`... without end.
    static func candidateNames(for name: String) -> some Sequence<String> {
        let ext = (name as NSString).pathExtension
        let stem = ext.isEmpty ? name : String(name.dropLast(ext.count + 1))
        return (1...).lazy.map { $0 == 1 ? name : ext.isEmpty ? "\(stem).\($0)" : "\(stem).\($0).\(ext)" }
    }

    /// `YYYY-MM-DD` in the local time zone: the day the operator would say.
    static func day(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return "\(parts.tm_year + 1900)-" + String(parts.tm_mon + 1).leftPadded(to: 2) + "-" + String(parts.tm_mday).leftPadded(to: 2)
    }
}

/// A file-system operation on the spool failed.
public struct SpoolError: Error, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var code: Int32

    public init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    public var description: String { "cannot \(operation) \(path): \(String(cString: strerror(code)))" }
}
