import Foundation
import Testing
@testable import TrobadorCore

/// The post as the state database keeps it, written without `JSONEncoder`: the same text the
/// encoder wrote before, read back into the same post.
@Suite("post JSON as stored")
struct PostStoredJSONTests {
    /// Every field set, so that a field added to `Post` and forgotten by `storedJSON` fails here.
    static let full = Post(
        id: "fete-musique-2026", action: .update, title: "Fête de la musique", body: "**Concerts** partout 🎶\n\n\"Entrée\" libre \\ gratuite",
        tags: ["musique", "fête"], channels: ["mastodon", "bluesky"], link: "https://www.example.org/fete?x=1&y=2", lang: "fr",
        summary: "Concerts le 21 juin", publishAt: Date(timeIntervalSince1970: 1_781_996_400), expiresAt: Date(timeIntervalSince1970: 1_782_082_800.2505),
        event: PostEvent(start: Date(timeIntervalSince1970: 1_782_064_800), end: Date(timeIntervalSince1970: 1_782_079_200), location: "Toulouse, place du Capitole"),
        media: [MediaReference(file: "affiche.jpg", alt: "L'affiche"), MediaReference(file: "plan.png")],
        translations: ["oc": PostTranslation(title: "Fèsta de la musica", body: "Concèrts pertot", summary: "Lo 21 de junh"), "en": PostTranslation(body: "Concerts")],
        overrides: ["mastodon": ["text": "Concerts partout #musique", "link": "https://m.example.org"], "bluesky": ["title": "Fête"]])

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    @Test func every_field_of_the_sample_is_set() {
        for child in Mirror(reflecting: Self.full).children {
            let value = child.value
            let empty = (value as? any Collection)?.isEmpty == true || "\(value)" == "nil"
            #expect(!empty, "\(child.label ?? "?") is not set in the sample: set it, and check storedJSON writes it")
        }
    }

    @Test func the_reader_gives_what_JSONDecoder_gives_or_leaves_it_to_it() throws {
        var whole = Self.full
        whole.expiresAt = Date(timeIntervalSince1970: 1_782_082_800.25)
        whole.body += "\u{01}\t/ \u{7F} ✨"
        let minimal = Post(id: "a", body: "")
        for post in [whole, minimal, Post(id: "b", action: .retract)] {
            let read = StoredPostReader.post(from: post.storedJSON)
            #expect(read == post)
            #expect(read == (try SQLiteStateStore.decoder.decode(Post.self, from: Data(post.storedJSON.utf8))))
        }
        // A fraction of a millisecond (written as a decimal number): JSONDecoder reads it.
        #expect(StoredPostReader.post(from: Self.full.storedJSON) == nil)
        #expect(try SQLiteStateStore.storedPost(Self.full.storedJSON) == Self.full)
        // Escapes another writer may use, a surrogate pair among them.
        let escaped = #"{"action":"publish","body":"f\u00eate \ud83c\udf89 \/ \"q\" \\","id":"x","media":[],"overrides":{},"tags":[],"translations":{}}"#
        let decoded = try SQLiteStateStore.decoder.decode(Post.self, from: Data(escaped.utf8))
        #expect(decoded.body == "fête 🎉 / \"q\" \\")
        #expect(StoredPostReader.post(from: escaped) == decoded)
        // Anything unknown or malformed is left to JSONDecoder.
        for text in [#"{"id":"x","body":"","action":"publish","color":"red"}"#, #"{"id":"x","body":"","action":"publish""#,
                     #"{"id":"x","body":"","action":"publish","tags":[1]}"#, #"{"id":"x","action":"publish"}"#,
                     #"{"action":"publish","body":"","id":"x","media":[],"overrides":{},"translations":{}}"#, "", "null"] {
            #expect(StoredPostReader.post(from: text) == nil, "\(text)")
        }
    }

    @Test func the_stored_text_is_what_JSONEncoder_wrote_and_reads_back_the_same() throws {
        let minimal = Post(id: "a", body: "")
        for post in [Self.full, minimal] {
            #expect(post.storedJSON == String(decoding: try Self.encoder.encode(post), as: UTF8.self))
            #expect(try SQLiteStateStore.decoder.decode(Post.self, from: Data(post.storedJSON.utf8)) == post)
        }
    }
}
