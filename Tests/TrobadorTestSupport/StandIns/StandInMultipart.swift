import Foundation

/// A `multipart/form-data` body read as a server reads it (RFC 7578), for the stand-ins.
public struct StandInMultipart {
    public struct Field {
        public var filename: String?
        public var contentType: String?
        public var data: [UInt8]
    }

    public var fields: [String: Field] = [:]

    public init?(body: Data, boundary: String) {
        let bytes = Array(body)
        let delimiter = Array("--\(boundary)".utf8)
        var starts: [Int] = []
        var index = 0
        while index + delimiter.count <= bytes.count {
            if Array(bytes[index..<(index + delimiter.count)]) == delimiter {
                starts.append(index)
                index += delimiter.count
            } else {
                index += 1
            }
        }
        guard starts.count >= 2, bytes[(starts.last! + delimiter.count)...].starts(with: Array("--".utf8)) else { return nil }
        for (start, end) in zip(starts, starts.dropFirst()) {
            // Each part: CRLF after the delimiter, headers, blank line, content, CRLF before the next.
            let part = Array(bytes[(start + delimiter.count + 2)..<(end - 2)])
            guard let split = Self.find(Array("\r\n\r\n".utf8), in: part) else { return nil }
            let headers = String(decoding: part[..<split], as: UTF8.self).components(separatedBy: "\r\n")
            guard let disposition = headers.first(where: { $0.lowercased().hasPrefix("content-disposition: form-data;") }),
                  let name = Self.parameter("name", in: disposition) else { return nil }
            let type = headers.first { $0.lowercased().hasPrefix("content-type: ") }.map { String($0.dropFirst("content-type: ".count)) }
            fields[name] = Field(filename: Self.parameter("filename", in: disposition), contentType: type, data: Array(part[(split + 4)...]))
        }
    }

    public static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    public static func parameter(_ name: String, in header: String) -> String? {
        guard let range = header.range(of: " \(name)=\"") else { return nil }
        let rest = header[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
