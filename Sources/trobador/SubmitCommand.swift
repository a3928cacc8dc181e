import ArgumentParser
import Foundation
import TrobadorCore

struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Validate posts, then place each into the inbox atomically and print its id.",
        discussion: """
            Each file is copied under a hidden temporary name, synced to disk, then renamed into the \
            inbox, so the daemon never sees half a post. A post directory is copied whole the same way.
            """)

    @OptionGroup var config: ConfigOption

    @Argument(help: "Post files (.md, .json) or post directories holding post.md or post.json and media.")
    var files: [String]

    func run() async throws {
        let configuration = try config.load()
        let parser = PostParser(rules: configuration.posts)
        let router = Router(configuration: configuration)
        let spool = Spool(root: configuration.spoolDirectory)
        try spool.prepare()
        var failed = false
        for file in files {
            do {
                let loaded = try parser.load(entry: file)
                if loaded.post.action == .publish, case .failure(let problem) = router.routes(for: loaded.post) {
                    printError(CheckCommand.located(file, problem))
                    failed = true
                    continue
                }
                try Self.place(file, into: spool)
                print(loaded.post.id)
            } catch let rejection as PostRejection {
                rejection.problems.forEach { printError(CheckCommand.located(file, $0)) }
                failed = true
            } catch {
                printError("\(file): \(error)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }

    /// Copies `source` into the inbox under a temporary name, syncs, then renames it in.
    static func place(_ source: String, into spool: Spool) throws {
        let name = (source as NSString).lastPathComponent
        let target = Spool.uniqueName(for: name, in: spool.inbox) { _ in false }
        let temporary = spool.inbox + "/.\(target).\(getpid()).tmp"
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory)
        if isDirectory.boolValue {
            // Group-writable whatever the umask: the daemon, in the inbox's group, must be able
            // to move a directory it does not own (a rename rewrites the directory's `..`); setgid
            // keeps the inbox's group on what is written inside.
            try FileManager.default.createDirectory(
                atPath: temporary, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o2770])
            for entry in try FileManager.default.contentsOfDirectory(atPath: source) {
                let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: source + "/" + entry)))
                try Spool.writeDurably(bytes, to: temporary + "/" + entry)
            }
            try Spool.syncDirectory(temporary)
        } else {
            let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: source)))
            try Spool.writeDurably(bytes, to: spool.inbox + "/" + target)
            return
        }
        guard rename(temporary, spool.inbox + "/" + target) == 0 else {
            throw SpoolError(path: spool.inbox + "/" + target, operation: "rename into", code: errno)
        }
        try Spool.syncDirectory(spool.inbox)
    }
}
