import Foundation
import Testing
import TrobadorTestSupport
@testable import TrobadorCore

/// Archiving never replaces a file already in the day's folder: a name taken there becomes
/// `stem.2.ext`, `stem.3.ext`..., whichever way the move is made.
@Suite("Spool: archiving")
struct SpoolArchiveTests {
    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func read(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    @Test func a_name_taken_in_the_archive_gets_the_next_number_and_nothing_is_replaced() throws {
        let directory = try TemporaryDirectory("spool-archive")
        defer { directory.remove() }
        let spool = Spool(root: directory.path)
        try spool.prepare()
        let date = Date()
        let day = Spool.day(date)
        var moved: [String] = []
        for version in 1...3 {
            try Self.write("fête v\(version)", to: spool.inbox + "/fete.md")
            try Self.write("note v\(version)", to: spool.inbox + "/note")
            moved += try spool.archive(["fete.md", "note"], on: date)
        }
        #expect(moved == [
            "archive/\(day)/fete.md", "archive/\(day)/note", "archive/\(day)/fete.2.md", "archive/\(day)/note.2",
            "archive/\(day)/fete.3.md", "archive/\(day)/note.3",
        ])
        #expect(try Self.read(spool.archive + "/\(day)/fete.md") == "fête v1")
        #expect(try Self.read(spool.archive + "/\(day)/fete.2.md") == "fête v2")
        #expect(try Self.read(spool.archive + "/\(day)/note.3") == "note v3")
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.inbox).isEmpty)
        // The names a lookup would choose next: the same sequence.
        #expect(Spool.uniqueName(for: "fete.md", in: spool.archive + "/\(day)") { _ in false } == "fete.4.md")
        #expect(Array(Spool.candidateNames(for: "a.b.json").prefix(3)) == ["a.b.json", "a.b.2.json", "a.b.3.json"])
    }

    @Test func an_entry_gone_before_its_move_is_reported_where_it_was() throws {
        let directory = try TemporaryDirectory("spool-archive-gone")
        defer { directory.remove() }
        let spool = Spool(root: directory.path)
        try spool.prepare()
        #expect(try spool.archive(["parti.md"], on: Date()) == ["inbox/parti.md"])
    }
}
