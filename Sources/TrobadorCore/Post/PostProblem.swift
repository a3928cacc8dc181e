/// One thing wrong with a post file, said so that the person who wrote it can fix it.
public struct PostProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field it concerns, in the front matter's terms (`media[0].alt`, `publish_at`), if any.
    public var field: String?
    /// 1-based position in the post file (the front matter counts), if known.
    public var line: Int?
    public var column: Int?
    /// What is wrong, in plain words.
    public var message: String
    /// How to fix it, in plain words.
    public var hint: String?

    public init(field: String? = nil, line: Int? = nil, column: Int? = nil, message: String, hint: String? = nil) {
        self.field = field
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }

    /// `media[0]: image has no alt text (line 9, column 5)`: the form of log lines.
    public var description: String {
        var text = field.map { "\($0): \(message)" } ?? message
        if let line {
            text += column.map { " (line \(line), column \($0))" } ?? " (line \(line))"
        }
        return text
    }
}
