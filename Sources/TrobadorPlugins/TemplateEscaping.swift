import Foundation
import Mustache

/// How an interpolated value is escaped, chosen by where the template's output goes, so that a
/// post's text can never change the shape of a request: `{{text}}` in a JSON body cannot close
/// its string, in a URL cannot add a query parameter, in a header cannot start a new header.
/// `{{{value}}}` (or `{{& value}}`) inserts a value as it is, for the base URL of a channel.
public enum TemplateEscaping: String, Sendable, CaseIterable {
    /// The inside of a JSON string: `"` `\` and control characters escaped, U+2028 and U+2029
    /// too (some JavaScript parsers end a line there). The template writes the quotes.
    case json
    /// `application/x-www-form-urlencoded`, as a browser's form: letters, digits and `*-._`
    /// kept, a space as `+`, everything else as UTF-8 `%XX`.
    case form
    /// One URL component (a path segment or a query value): only RFC 3986's unreserved
    /// characters kept, everything else (`/ ? & = # +` and spaces included) as UTF-8 `%XX`.
    case url
    /// An HTTP header value: carriage returns, line feeds and other control characters become
    /// spaces, since they would end the header.
    case header
    /// Nothing escaped: a plain-text body.
    case text

    public func escape(_ value: String) -> String {
        switch self {
        case .json: Self.jsonString(value)
        case .form: Self.percentEncoded(value, keeping: Self.formKept, spaceAsPlus: true)
        case .url: Self.percentEncoded(value, keeping: Self.unreserved, spaceAsPlus: false)
        case .header: String(String.UnicodeScalarView(value.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
        case .text: value
        }
    }

    /// The name under which swift-mustache knows this escaping (`{{% CONTENT_TYPE: ... }}`).
    var contentTypeName: String { "TROBADOR_" + rawValue.uppercased() }

    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
    private static let formKept = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-._".utf8)

    private static func percentEncoded(_ value: String, keeping kept: Set<UInt8>, spaceAsPlus: Bool) -> String {
        var result = ""
        for byte in value.utf8 {
            if kept.contains(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else if byte == 0x20, spaceAsPlus {
                result += "+"
            } else {
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }

    private static func jsonString(_ value: String) -> String {
        var result = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{2028}", "\u{2029}": result += String(format: "\\u%04X", scalar.value)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += String(format: "\\u%04X", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}

/// The adapter between an escaping and swift-mustache's content types.
struct EscapingContentType: MustacheContentType {
    var escaping: TemplateEscaping
    func escapeText(_ text: String) -> String { escaping.escape(text) }
}
