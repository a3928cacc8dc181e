/// Why a post file was refused: every problem found in it, in file order where possible,
/// so the writer can fix them all at once instead of one per attempt.
public struct PostRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [PostProblem]

    public init(_ problems: [PostProblem]) {
        self.problems = problems
    }

    public init(_ problem: PostProblem) {
        self.problems = [problem]
    }

    /// The problems on one line, `; `-separated: the form of the `error=` key of log lines.
    public var description: String {
        problems.map(\.description).joined(separator: "; ")
    }

    /// The text of the `NAME.error` file written beside a rejected post: what happened,
    /// each problem with where it is and how to fix it, and what to do next.
    public func report(fileName: String) -> String {
        var lines = ["The post \"\(fileName)\" was not published, and nothing was sent to any channel."]
        lines.append("")
        let count = problems.count
        lines.append(count == 1 ? "One problem was found:" : "\(count) problems were found:")
        for problem in problems {
            lines.append("")
            lines.append("- " + Self.heading(of: problem))
            if let hint = problem.hint {
                lines.append("  How to fix it: " + hint)
            }
        }
        lines.append("")
        lines.append("Once it is corrected, drop the file \"\(fileName)\" into the inbox again.")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `Line 9, column 5, media[0]: the image "affiche.png" has no alt text.`
    private static func heading(of problem: PostProblem) -> String {
        var place: [String] = []
        if let line = problem.line {
            place.append(problem.column.map { "Line \(line), column \($0)" } ?? "Line \(line)")
        }
        if let field = problem.field {
            place.append(place.isEmpty ? "Field \(field)" : "field \(field)")
        }
        let message = sentence(problem.message)
        return place.isEmpty ? message : place.joined(separator: ", ") + ": " + message
    }

    /// The message, ending with a period unless it already ends with punctuation.
    private static func sentence(_ text: String) -> String {
        guard let last = text.last else { return text }
        return ".!?:".contains(last) ? text : text + "."
    }
}

extension PostRejection {
    /// The rejection sorted by position: problems without a line (file-level ones) first.
    func sortedByPosition() -> PostRejection {
        let sorted = problems.enumerated().sorted { lhs, rhs in
            let left = (lhs.element.line ?? 0, lhs.element.column ?? 0, lhs.offset)
            let right = (rhs.element.line ?? 0, rhs.element.column ?? 0, rhs.offset)
            return left < right
        }
        return PostRejection(sorted.map(\.element))
    }
}
