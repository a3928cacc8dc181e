import Yams

/// libyaml's error messages, with the position in the post file and a hint for the
/// mistakes people make when they write front matter by hand.
enum YAMLErrorTranslation {
    static func problem(for error: YamlError, yaml: String, lineOffset: Int) -> PostProblem {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            if problem.contains("undefined alias") {
                return YAMLNodeReader.aliasProblem(line: mark.line + lineOffset, column: mark.column)
            }
            // libyaml says "Maximum nesting level reached, set with yaml_set_max_nest_level()".
            if problem.contains("nesting level") {
                return PostProblem(
                    line: mark.line + lineOffset, column: mark.column,
                    message: "the front matter is nested too deeply: [ ] and { } open inside each other hundreds of times",
                    hint: "A post needs only a few levels, such as media: [{ file: a.jpg, alt: \"…\" }]. Check that every [ and { is closed.")
            }
            var message = "the front matter is not valid YAML: \(problem)"
            if let context, context.mark.line != mark.line || context.mark.column != mark.column {
                message += " (\(context.text) that starts on line \(context.mark.line + lineOffset), column \(context.mark.column))"
            }
            let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
            let from = max(1, min(context?.mark.line ?? mark.line, mark.line) - 1)
            let nearby = lines.dropFirst(from - 1).prefix(mark.line - from + 1)
            return PostProblem(line: mark.line + lineOffset, column: mark.column, message: message,
                               hint: hint(for: problem, nearby: nearby.map(String.init), at: character(at: mark, in: lines)))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let name = duplicates.first ?? ""
            let position = secondOccurrence(of: name, after: context.mark, in: yaml)
                ?? PostNode.Position(line: context.mark.line, column: context.mark.column)
            return PostProblem(
                field: name, line: position.line + lineOffset, column: position.column,
                message: "\"\(name)\" is written more than once in the same group of fields",
                hint: "Keep a single \"\(name):\" line there and delete the other one."
            )
        case .reader(let problem, _, _, _):
            return PostProblem(line: lineOffset + 1, message: "the front matter could not be read: \(problem)")
        default:
            return PostProblem(line: lineOffset + 1, message: "the front matter could not be read: \(error)")
        }
    }

    /// The character at a libyaml mark (columns count Unicode scalars), if any.
    private static func character(at mark: Mark, in lines: [Substring]) -> Unicode.Scalar? {
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let scalars = Array(lines[mark.line - 1].unicodeScalars)
        return mark.column >= 1 && mark.column <= scalars.count ? scalars[mark.column - 1] : nil
    }

    /// A hint for libyaml's `problem`, looking at the lines around it and the character it stopped at.
    private static func hint(for problem: String, nearby: [String], at character: Unicode.Scalar?) -> String {
        if character == "\t" || problem.contains("tab") {
            return "Indent the front matter with spaces, not tabs."
        }
        if nearby.contains(where: { $0.contains("[#") || $0.contains(", #") || $0.contains(": #") }) {
            return "In the front matter, # starts a comment: write tags without it, as tags: [culture, musique], or in quotes, as \"#culture\"."
        }
        if problem.contains("mapping values are not allowed") {
            return "A value that contains \": \" must be in quotes, for example title: \"Fête de la musique : le programme\". Also check that this line is indented like the fields around it."
        }
        if problem.contains("cannot start any token") {
            return "A value that starts with @, `, %, # or | must be in quotes, for example tags: [\"#culture\"] or title: \"@Occitanie\"."
        }
        if problem.contains("expected ',' or ']'") {
            return "Close the list with ] and separate its items with commas, for example [culture, musique]. Text containing a comma or a bracket must be in quotes."
        }
        if problem.contains("expected ',' or '}'") {
            return "Close the group with } and separate its fields with commas, for example { start: 2026-06-21T18:00:00+02:00, location: \"Toulouse\" }."
        }
        if problem.contains("end of stream") {
            return "A quote (\" or ') is opened and never closed; close it at the end of the value."
        }
        if problem.contains("escape") {
            return "Inside double quotes a backslash starts a special character; write the text in single quotes instead, or write \\\\ for a backslash."
        }
        if problem.contains("expected key") || problem.contains("'-' indicator") || problem.contains("expected ':'") {
            return "Each line is name: value, and the fields of one group start in the same column. Check the indentation of this line and of the line before; a value with quotes inside must be quoted as a whole."
        }
        return "Check this line and the one before it: quotes and brackets must be closed, and a value containing \": \" or \" #\" must be in quotes."
    }

    /// Where a key written twice appears again: the same name at the same column further down.
    private static func secondOccurrence(of name: String, after first: Mark, in yaml: String) -> PostNode.Position? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard first.line >= 1, first.line < lines.count else { return nil }
        for index in first.line..<lines.count {
            let scalars = Array(lines[index].unicodeScalars)
            let column = first.column - 1
            guard scalars.count > column, scalars[..<column].allSatisfy({ $0 == " " || $0 == "-" }) else { continue }
            let rest = String(String.UnicodeScalarView(scalars[column...]))
            if rest.hasPrefix(name), rest.dropFirst(name.count).drop(while: { $0 == " " }).hasPrefix(":") {
                return PostNode.Position(line: index + 1, column: first.column)
            }
        }
        return nil
    }
}
