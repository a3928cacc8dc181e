import Foundation
import Mustache
import TrobadorCore

/// A Mustache template of a plugin, bound to the escaping of where its output goes.
///
/// `{{name}}` is escaped for that place (see `TemplateEscaping`); `{{{name}}}` inserts the
/// value as it is. Construction parses the template and checks every name it uses against the
/// values it will receive, with no I/O.
struct PluginTemplate: Sendable {
    let source: String
    let escaping: TemplateEscaping
    let origin: TemplateOrigin
    /// The tags, for asking which values the template uses.
    let tags: [TemplateTag]
    private let template: MustacheTemplate

    /// The prefix that selects the escaping; it shifts columns on the first line.
    private static func prefix(_ escaping: TemplateEscaping) -> String {
        "{{%CONTENT_TYPE:\(escaping.contentTypeName)}}"
    }

    /// swift-mustache finds content types by name in a process-wide table: registered once.
    private static let registered: Void = {
        for escaping in TemplateEscaping.allCases {
            MustacheContentTypes.register(EscapingContentType(escaping: escaping), named: escaping.contentTypeName)
        }
    }()

    /// Parses `source` and checks its names against `values`; every problem is placed in the
    /// file the author edits.
    init(_ source: String, escaping: TemplateEscaping, origin: TemplateOrigin, values: ValueShape) throws(PluginProblems) {
        _ = Self.registered
        self.source = source
        self.escaping = escaping
        self.origin = origin
        let prefix = Self.prefix(escaping)
        do {
            template = try MustacheTemplate(string: prefix + source)
        } catch let error as MustacheTemplate.ParserError {
            let line = error.context.lineNumber
            let column = line == 1 ? max(1, error.context.columnNumber - prefix.count) : error.context.columnNumber
            let place = origin.locate(line: line, column: column)
            throw PluginProblems([ConfigurationProblem(
                path: origin.path, line: place.line, column: place.column,
                message: "template syntax: \(Self.describe(error.error))")])
        } catch {
            throw PluginProblems([ConfigurationProblem(path: origin.path, line: origin.locate(line: 1, column: 1).line, column: 1, message: "template syntax: \(error)")])
        }
        tags = TemplateTag.scan(source)
        let problems = TemplateChecker(root: values).problems(in: tags).map { tag, message in
            let place = origin.locate(line: tag.line, column: tag.column)
            return ConfigurationProblem(path: origin.path, line: place.line, column: place.column, message: message)
        }
        if !problems.isEmpty { throw PluginProblems(problems) }
    }

    func render(_ values: [String: Any]) -> String {
        template.render(values)
    }

    /// Whether the template uses the value `name` (its first segment), in any tag.
    func uses(_ name: String) -> Bool {
        tags.contains { $0.name == name || $0.name.hasPrefix(name + ".") }
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?: "a section is closed with another name than it was opened with ({{#a}}...{{/a}})"
        case .unfinishedName?: "a tag is not closed, or its name has characters a name cannot have"
        case .expectedSectionEnd?: "a section is opened and never closed (add {{/name}})"
        case .invalidSetDelimiter?: "changing the delimiters ({{= ... =}}) is not supported"
        case .invalidConfigVariableSyntax?, .unrecognisedConfigVariable?: "pragmas ({{% ... }}) are not supported"
        default: "\(error)"
        }
    }
}

/// Problems found in a plugin, each as `path:line:column: message`.
public struct PluginProblems: Error, Sendable {
    public var problems: [ConfigurationProblem]
    public init(_ problems: [ConfigurationProblem]) { self.problems = problems }
}
