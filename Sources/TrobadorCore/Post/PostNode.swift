/// A value read from a post file's front matter or JSON, with where it was written.
///
/// Both formats are read into this one tree so that `PostFieldReader` checks fields the
/// same way and reports the same positions, whatever the file was written in.
struct PostNode: Sendable {
    /// 1-based position in the whole post file.
    struct Position: Sendable, Equatable {
        var line: Int
        var column: Int
    }

    /// What kind of text a scalar was written as. YAML scalars are all `.text` (a YAML
    /// writer does not quote `lang: no` or `title: 2026` and means text); JSON keeps its types.
    enum ScalarKind: Sendable, Equatable {
        case text
        case number
        case boolean
        case null
    }

    enum Value: Sendable {
        case scalar(String, ScalarKind)
        case sequence([PostNode])
        case mapping([(key: PostNode, value: PostNode)])
    }

    var value: Value
    var position: Position

    init(_ value: Value, at position: Position) {
        self.value = value
        self.position = position
    }

    /// The scalar's text when it is one and not null.
    var text: String? {
        if case .scalar(let text, let kind) = value, kind != .null { return text }
        return nil
    }

    var isNull: Bool {
        if case .scalar(_, .null) = value { return true }
        return false
    }

    /// How the value looks, in the words of a message: "a list", "a number"...
    var kindDescription: String {
        switch value {
        case .scalar(_, .text): "a text"
        case .scalar(_, .number): "a number"
        case .scalar(_, .boolean): "true or false"
        case .scalar(_, .null): "nothing"
        case .sequence: "a list"
        case .mapping: "a group of fields"
        }
    }
}
