import Foundation

/// One part of a `multipart/form-data` body, read the way a server reads it.
public struct FormPart: Sendable {
    public var name: String
    public var filename: String?
    public var contentType: String?
    public var content: Data

    public var text: String { String(decoding: content, as: UTF8.self) }

    /// The parts of `body`, or nil when it is not well-formed multipart for `contentType`.
    public static func parse(_ body: Data, contentType: String?) -> [FormPart]? {
        guard let contentType, contentType.hasPrefix("multipart/form-data"),
              let range = contentType.range(of: "boundary=") else { return nil }
        let boundary = Data(("--" + contentType[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\" "))).utf8)
        var parts: [FormPart] = []
        var cursor = body.startIndex
        guard let first = body.range(of: boundary, in: cursor..<body.endIndex) else { return nil }
        cursor = first.upperBound
        while true {
            if body[cursor...].starts(with: Data("--".utf8)) { return parts }
            guard body[cursor...].starts(with: Data("\r\n".utf8)),
                  let headerEnd = body.range(of: Data("\r\n\r\n".utf8), in: cursor..<body.endIndex),
                  let next = body.range(of: Data("\r\n".utf8) + boundary, in: headerEnd.upperBound..<body.endIndex) else { return nil }
            let headers = String(decoding: body[(cursor + 2)..<headerEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
            var part = FormPart(name: "", content: body[headerEnd.upperBound..<next.lowerBound])
            for header in headers {
                let lower = header.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    part.name = Self.parameter("name", in: header) ?? ""
                    part.filename = Self.parameter("filename", in: header)
                } else if lower.hasPrefix("content-type:") {
                    part.contentType = header.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                }
            }
            parts.append(part)
            cursor = next.upperBound
        }
    }

    private static func parameter(_ name: String, in header: String) -> String? {
        guard let range = header.range(of: "; \(name)=\"") else { return nil }
        let rest = header[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
