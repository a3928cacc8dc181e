import Testing
@testable import TrobadorPlugins

@Suite("Template escaping")
struct TemplateEscapingTests {
    @Test func json_escaping_keeps_quotes_and_newlines_inside_the_string() {
        #expect(TemplateEscaping.json.escape("a \"b\"\n\\c") == "a \\\"b\\\"\\n\\\\c")
    }
}
