import Foundation
import TrobadorTestSupport

/// A temporary working directory with a configuration pointing at loopback receivers.
struct EndToEndFixture {
    let directory: TemporaryDirectory

    init(_ label: String) throws {
        directory = try TemporaryDirectory("e2e-\(label)")
    }

    var root: String { directory.path }
    var inbox: String { root + "/spool/inbox" }
    var archive: String { root + "/spool/archive" }
    var rejected: String { root + "/spool/rejected" }
    var configPath: String { root + "/trobador.toml" }

    /// Writes `trobador.toml` with one `webhook` channel per receiver URL, all default channels.
    func writeConfiguration(webhooks: [(name: String, url: String)], extra: String = "") throws {
        var text = """
            [spool]
            dir = "spool"

            [delivery]
            defaults = [\(webhooks.map { "\"\($0.name)\"" }.joined(separator: ", "))]
            first_retry = "1s"
            \(extra)

            """
        for hook in webhooks {
            text += """

                [[channel]]
                name = "\(hook.name)"
                type = "webhook"
                url = "\(hook.url)"

                """
        }
        try directory.write("trobador.toml", text)
    }

    /// A French post as the communication team writes them.
    static func post(id: String, number: Int = 0) -> String {
        """
        ---
        id: \(id)
        title: "Agenda culturel n°\(number) : fête à Montpellier"
        tags: [culture]
        link: https://www.example.org/agenda/\(id)
        lang: fr
        ---
        Le \(number % 28 + 1) juin, **concert gratuit** place de la Comédie 🎶. Programme complet :
        https://www.example.org/agenda/\(id) #Culture #Occitanie

        """
    }

    /// Drops a post the safe way: a hidden temporary name, then a rename.
    func dropRenamed(_ name: String, _ text: String) throws {
        let temporary = inbox + "/.\(name).tmp"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, inbox + "/" + name) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Writes a post in place through a shell redirection, as someone at a terminal would.
    func dropWithShellRedirection(_ name: String, _ text: String) throws {
        let source = root + "/.source-\(name)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: source))
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "cat \"$1\" > \"$2\"", "sh", source, inbox + "/" + name]
        try shell.run()
        shell.waitUntilExit()  // a few milliseconds: `cat` of a small file
        try FileManager.default.removeItem(atPath: source)
    }

    /// Every file below `archive/`, at any depth.
    func archivedFiles() -> [String] {
        (FileManager.default.enumerator(atPath: archive)?.allObjects as? [String] ?? []).filter { path in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: archive + "/" + path, isDirectory: &isDirectory)
            return !isDirectory.boolValue
        }
    }

    func inboxEntries() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: inbox)) ?? []
    }

    func trobador(_ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        try await TrobadorBinary.run(arguments, in: root)
    }

    func remove() { directory.remove() }
}

extension LoopbackReceiver.Received {
    /// The post id in a webhook body.
    var postID: String? { json?["id"] as? String }
}
