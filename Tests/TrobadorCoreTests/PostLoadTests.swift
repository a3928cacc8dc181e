import Foundation
import Testing
@testable import TrobadorCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Inbox entries read from disk: single files and bundle folders, and everything that must
/// be refused without being opened or read in full.
@Suite struct PostLoadTests {
    let parser = PostParser(rules: PostRules())

    // MARK: What is not a post file

    @Test func symlink_entry_is_refused_without_being_followed() throws {
        let inbox = try PostTemporaryDirectory()
        let target = try inbox.write("elsewhere/real.md", PostExamples.carteJeune)
        let link = try inbox.symlink("carte-jeune.md", to: target)
        let problem = try #require(rejectEntry(link)?.problems.first)
        #expect(problem.message == "\"carte-jeune.md\" is a symbolic link, not a file or a folder, so it was not read")
        #expect(problem.hint?.contains("not a link to it") == true)
    }

    @Test func symlink_to_a_folder_is_refused() throws {
        let inbox = try PostTemporaryDirectory()
        let folder = try inbox.folder("real")
        try inbox.write("real/post.md", PostExamples.carteJeune)
        let problem = try #require(rejectEntry(try inbox.symlink("bundle", to: folder))?.problems.first)
        #expect(problem.message.contains("symbolic link"))
    }

    @Test(.timeLimit(.minutes(1)))
    func fifo_is_refused_without_blocking() throws {
        let inbox = try PostTemporaryDirectory()
        let path = inbox.path + "/tube.md"
        #expect(mkfifo(path, 0o644) == 0)
        let problem = try #require(rejectEntry(path)?.problems.first)
        #expect(problem.message == "\"tube.md\" is a FIFO (named pipe), not a file or a folder, so it was not read")
    }

    @Test(.timeLimit(.minutes(1)))
    func fifo_named_post_md_inside_a_bundle_is_refused_without_blocking() throws {
        let inbox = try PostTemporaryDirectory()
        try inbox.folder("bundle")
        #expect(mkfifo(inbox.path + "/bundle/post.md", 0o644) == 0)
        let problem = try #require(rejectEntry(inbox.path + "/bundle")?.problems.first)
        #expect(problem.message.contains("FIFO"))
    }

    @Test func ten_mebibyte_file_is_refused_by_its_size_without_reading_it() throws {
        let inbox = try PostTemporaryDirectory()
        let path = try inbox.write("enorme.md", "---\ntitle: x\n---\n")
        // A sparse file: its size says 10 MiB, and reading it all would be the only way to notice otherwise.
        #expect(truncate(path, 10 << 20) == 0)
        let problem = try #require(rejectEntry(path)?.problems.first)
        #expect(problem.message == "\"enorme.md\" is too large: 10.0 MB, and the largest accepted is 1.0 MB")
        #expect(PostFileReader.read(path, limit: 1 << 20) == .failure(.tooLarge(size: 10 << 20)))
    }

    @Test func file_with_another_extension_is_refused_naming_the_accepted_ones() throws {
        let inbox = try PostTemporaryDirectory()
        let problem = try #require(rejectEntry(try inbox.write("fete.txt", "Texte"))?.problems.first)
        #expect(problem.message == "\"fete.txt\" is not a post file: only .md (Markdown) and .json files are read, not .txt")
        #expect(problem.hint?.contains("fete.md") == true)
    }

    @Test func uppercase_extension_is_accepted() throws {
        let inbox = try PostTemporaryDirectory()
        let loaded = try parser.load(entry: try inbox.write("carte-jeune.MD", PostExamples.carteJeune))
        #expect(loaded.format == .markdown)
    }

    // MARK: Text encoding

    @Test func invalid_utf8_is_refused_with_its_position() throws {
        let inbox = try PostTemporaryDirectory()
        // "Fête" saved in Latin-1: ê is the single byte 0xEA.
        let bytes = Array("---\ntitle: F".utf8) + [0xEA] + Array("te\n---\nTexte\n".utf8)
        let problem = try #require(rejectEntry(try inbox.write("latin1.md", bytes))?.problems.first)
        #expect(problem.line == 2)
        #expect(problem.column == 9)
        #expect(problem.message.contains("not valid UTF-8"))
        #expect(problem.hint?.contains("UTF-8") == true)
    }

    @Test func nul_byte_is_refused_with_its_position() throws {
        let bytes = Array("---\ntitle: é".utf8) + [0] + Array("\n---\nTexte\n".utf8)
        let problem = try #require(rejectPost(String(decoding: bytes, as: UTF8.self))?.problems.first)
        #expect(problem.line == 2)
        #expect(problem.column == 9)
        #expect(problem.message.contains("NUL byte"))
    }

    // MARK: Bundles

    @Test func bundle_without_post_file_is_refused_with_a_rename_hint() throws {
        let inbox = try PostTemporaryDirectory()
        try inbox.write("fete/fete.md", PostExamples.carteJeune)
        let problem = try #require(rejectEntry(inbox.path + "/fete")?.problems.first)
        #expect(problem.message == "the folder \"fete\" holds no post.md or post.json")
        #expect(problem.hint?.contains("It holds fete.md: rename it post.md.") == true)
    }

    @Test func bundle_with_both_post_files_is_refused() throws {
        let inbox = try PostTemporaryDirectory()
        try inbox.write("fete/post.md", PostExamples.carteJeune)
        try inbox.write("fete/post.json", PostExamples.pontDuGard)
        #expect(try #require(rejectEntry(inbox.path + "/fete")?.problems.first).message.contains("both post.md and post.json"))
    }

    @Test func bundle_json_post_takes_its_id_from_the_folder() throws {
        let inbox = try PostTemporaryDirectory()
        try inbox.write("automne/post.json", #"{"body": "Texte", "media": [{"file": "a.gif", "alt": "Feuilles"}]}"#)
        try inbox.write("automne/a.gif", Array("GIF89a".utf8) + [1, 0, 1, 0])
        let loaded = try parser.load(entry: inbox.path + "/automne/")
        #expect(loaded.post.id == "automne")
        #expect(loaded.format == .json)
        #expect(loaded.media.first?.contentType == "image/gif")
    }

    @Test func missing_media_file_is_reported_at_its_entry() throws {
        let inbox = try PostTemporaryDirectory()
        try inbox.write("fete/post.md", "---\nmedia:\n  - file: affiche.png\n    alt: Affiche\n---\nTexte\n")
        let problem = try problem(rejectEntry(inbox.path + "/fete"), field: "media[0]")
        #expect(problem.line == 3)
        #expect(problem.column == 5)
        #expect(problem.message == "the media file \"affiche.png\" is not in the post's folder")
    }

    @Test func media_symlink_inside_the_bundle_is_refused() throws {
        let inbox = try PostTemporaryDirectory()
        try inbox.write("fete/post.md", "---\nmedia:\n  - file: affiche.png\n    alt: Affiche\n---\nTexte\n")
        try inbox.symlink("fete/affiche.png", to: "/etc/passwd")
        let problem = try problem(rejectEntry(inbox.path + "/fete"), field: "media[0]")
        #expect(problem.line == 3)
        #expect(problem.message.contains("is a symbolic link, which could point outside the post's folder"))
    }

    @Test func media_path_escaping_the_bundle_is_refused_before_any_file_is_opened() throws {
        let inbox = try PostTemporaryDirectory()
        try inbox.write("secret.png", pngSignature)
        try inbox.write("fete/post.md", "---\nmedia:\n  - file: ../secret.png\n    alt: Secret\n---\nTexte\n")
        let problem = try problem(rejectEntry(inbox.path + "/fete"), field: "media[0].file")
        #expect(problem.line == 3)
        #expect(problem.column == 11)
        #expect(problem.message.contains("outside the post's folder"))
    }

    @Test func media_that_is_not_an_image_is_refused() throws {
        let inbox = try PostTemporaryDirectory()
        try inbox.write("fete/post.md", "---\nmedia:\n  - file: affiche.png\n    alt: Affiche\n---\nTexte\n")
        try inbox.write("fete/affiche.png", Array("%PDF-1.7\n".utf8))
        let problem = try problem(rejectEntry(inbox.path + "/fete"), field: "media[0]")
        #expect(problem.message == "the file \"affiche.png\" is not a PNG, JPEG, GIF or WebP image")
    }

    @Test func oversized_media_is_refused_without_reading_it() throws {
        let inbox = try PostTemporaryDirectory()
        try inbox.write("fete/post.md", "---\nmedia:\n  - file: affiche.png\n    alt: Affiche\n---\nTexte\n")
        let image = try inbox.write("fete/affiche.png", pngSignature)
        #expect(truncate(image, 20 << 20) == 0)
        let problem = try problem(rejectEntry(inbox.path + "/fete"), field: "media[0]")
        #expect(problem.message == "the media file \"affiche.png\" is too large: 20.0 MB, and the largest accepted is 16.0 MB")
    }

    @Test func single_file_naming_media_is_asked_to_become_a_folder() throws {
        let inbox = try PostTemporaryDirectory()
        let path = try inbox.write("fete.md", "---\nmedia:\n  - file: affiche.png\n    alt: Affiche\n---\nTexte\n")
        let problem = try problem(rejectEntry(path), field: "media")
        #expect(problem.line == 3)
        #expect(problem.message.contains("must be a folder"))
        #expect(problem.hint?.contains("folder named fete") == true)
    }

    @Test func retraction_bundle_does_not_read_its_media() throws {
        let inbox = try PostTemporaryDirectory()
        try inbox.write("fete/post.md", "---\naction: retract\nmedia: [{ file: disparue.png }]\n---\n")
        let loaded = try parser.load(entry: inbox.path + "/fete")
        #expect(loaded.post.action == .retract)
        #expect(loaded.media.isEmpty)
    }

    // MARK: Content hash

    @Test func identical_content_gives_identical_hash_and_any_change_another() throws {
        let first = try PostTemporaryDirectory()
        let second = try PostTemporaryDirectory()
        for inbox in [first, second] {
            try inbox.write("fete-musique-2026/post.md", PostExamples.feteMusiqueBundle)
            try inbox.write("fete-musique-2026/affiche.png", PostExamples.affichePNG)
        }
        let original = try parser.load(entry: first.path + "/fete-musique-2026").contentHash
        #expect(try parser.load(entry: second.path + "/fete-musique-2026").contentHash == original)

        try second.write("fete-musique-2026/affiche.png", PostExamples.affichePNG + [0])
        #expect(try parser.load(entry: second.path + "/fete-musique-2026").contentHash != original)

        let single = try first.write("carte-jeune.md", PostExamples.carteJeune)
        let renamed = try second.write("autre-nom.md", PostExamples.carteJeune)
        #expect(try parser.load(entry: single).contentHash == parser.load(entry: renamed).contentHash)
    }

    /// Sizes around the old 64 KiB read chunk and well past it: the bytes come back whole.
    @Test func inbox_file_is_read_whole_whatever_its_size() throws {
        let directory = try PostTemporaryDirectory()
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 4095, 65_535, 65_536, 65_537, 300_001] {
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let path = try directory.write("file-\(size).md", bytes)
            #expect(PostFileReader.read(path, limit: 1 << 20) == .success(bytes), "size \(size)")
        }
    }


    @Test func inbox_file_larger_than_the_limit_is_refused_and_one_at_the_limit_is_read() throws {
        let directory = try PostTemporaryDirectory()
        let bytes = [UInt8](repeating: 65, count: 1000)
        let path = try directory.write("limit.md", bytes)
        #expect(PostFileReader.read(path, limit: 1000) == .success(bytes))
        #expect(PostFileReader.read(path, limit: 999) == .failure(.tooLarge(size: 1000)))
    }

    /// The entry's name shown in messages: what the slash-separated split gave, found by bytes.
    @Test func entry_name_is_what_follows_the_last_slash() {
        for path in ["/srv/inbox/fête.md", "fête.md", "/srv/inbox/dossier", "inbox/dossier/", "/", "a//", "/été/🎉 fête.md"] {
            let split = path.split(separator: "/").last.map(String.init) ?? path
            #expect(PostParser.lastComponent(of: path) == split, "\(path)")
        }
    }
}
