/// Where a template's text sits, so that a problem inside it is reported at the line and
/// column of the file the author edits: a template file of its own, or a string in
/// `plugin.toml`.
struct TemplateOrigin: Sendable, Equatable {
    var path: String
    /// The file line holding the template's first line, minus one.
    var lineOffset: Int
    /// Columns before the template's first character on its first line.
    var firstLineColumnOffset: Int

    /// A template file: its lines are the file's lines.
    static func file(_ path: String) -> TemplateOrigin {
        TemplateOrigin(path: path, lineOffset: 0, firstLineColumnOffset: 0)
    }

    /// A string value in a TOML file, whose value starts at `value` (the opening quote).
    /// `multiline` for `"""` or `'''` followed by a newline, which TOML drops.
    static func tomlString(_ path: String, value: (line: Int, column: Int), quote: Int, startsWithNewline: Bool) -> TemplateOrigin {
        if startsWithNewline {
            return TemplateOrigin(path: path, lineOffset: value.line, firstLineColumnOffset: 0)
        }
        return TemplateOrigin(path: path, lineOffset: value.line - 1, firstLineColumnOffset: value.column - 1 + quote)
    }

    /// The file position of a position in the template.
    func locate(line: Int, column: Int) -> (line: Int, column: Int) {
        (line + lineOffset, line == 1 ? column + firstLineColumnOffset : column)
    }
}
