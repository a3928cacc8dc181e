import Testing
@testable import TrobadorCore

/// The key locator: where headers and keys are, and what it knowingly does not see.
@Suite struct ConfigKeyLocatorTests {
    typealias Position = TOMLKeyLocator.Position

    @Test func headers_and_keys_are_found_with_their_value_column() {
        let locator = TOMLKeyLocator(source: """
            top = 1
            [spool]
              dir   =   "/s"   # comment = not a key
            [[channel]]
            name = "a"
            [[channel]]
            "quoted key" = 'x'
            """)
        #expect(locator.key("top", in: .root) == .init(key: Position(line: 1, column: 1), value: Position(line: 1, column: 7)))
        #expect(locator.header(.table("spool")) == Position(line: 2, column: 1))
        #expect(locator.key("dir", in: .table("spool")) == .init(key: Position(line: 3, column: 3), value: Position(line: 3, column: 13)))
        #expect(locator.key("comment", in: .table("spool")) == nil)
        #expect(locator.header(.element("channel", 0)) == Position(line: 4, column: 1))
        #expect(locator.header(.element("channel", 1)) == Position(line: 6, column: 1))
        #expect(locator.key("name", in: .element("channel", 0))?.key == Position(line: 5, column: 1))
        #expect(locator.key("name", in: .element("channel", 1)) == nil)
        #expect(locator.key("quoted key", in: .element("channel", 1))?.value == Position(line: 7, column: 16))
        #expect(locator.key("spool", in: .root)?.key == Position(line: 2, column: 1))
    }

    @Test func text_inside_strings_and_arrays_is_not_taken_for_keys() {
        let locator = TOMLKeyLocator(source: #"""
            a = """
            fake = 1
            [fake]
            """
            b = '''x = 'y' '''
            c = [
              "d = 1",  # e = 2
              { f = 3 },
            ]
            g = "esc \" h = 1"
            i = 2
            """#)
        #expect(Set(locator.keys[.root, default: [:]].keys) == ["a", "b", "c", "g", "i"])
        #expect(locator.headers.isEmpty)
        #expect(locator.key("i", in: .root)?.key == Position(line: 11, column: 1))
    }

    @Test func dotted_keys_and_subtables_are_filed_under_their_first_segment() {
        let locator = TOMLKeyLocator(source: """
            log.format = "json"
            [[channel]]
            name = "h"
            [channel.headers]
            X-A = "1"
            """)
        #expect(locator.key("log", in: .root)?.key == Position(line: 1, column: 1))
        #expect(locator.key("headers", in: .element("channel", 0))?.key == Position(line: 4, column: 1))
        #expect(locator.key("X-A", in: .table("channel.headers"))?.key == Position(line: 5, column: 1))
    }

    @Test func columns_count_unicode_scalars_like_tomlkit() {
        let locator = TOMLKeyLocator(source: "a = \"é🎶\"\nb = 1 # ça\n\té = 2\n")
        #expect(locator.key("b", in: .root)?.value == Position(line: 2, column: 5))
        #expect(locator.key("é", in: .root)?.key == Position(line: 3, column: 2))
    }

    @Test func a_byte_order_mark_is_not_a_column() {
        let locator = TOMLKeyLocator(source: "\u{FEFF}a = 1\n")
        #expect(locator.key("a", in: .root)?.key == Position(line: 1, column: 1))
    }

    @Test func errors_in_subtables_and_dotted_keys_fall_back_to_the_enclosing_line() {
        let text = """
            [[channel]]
            name = "h"
            type = "webhook"
            url = "https://example.org"
            [channel.headers]
            X-Count = 3
            """
        #expect(ConfigFixtures.problems(text) == ["t.toml:5:1: `headers.X-Count` in [[channel]] `h` must be text"])
        let dotted = "delivery.max_attempts = 0\n" + ConfigFixtures.fileChannel
        #expect(ConfigFixtures.problems(dotted) == ["t.toml:1:1: `max_attempts` in [delivery] must be at least 1, not 0"])
    }
}
