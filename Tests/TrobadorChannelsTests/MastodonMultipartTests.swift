import Foundation
import Testing
@testable import TrobadorChannels
@testable import TrobadorCore

/// A `multipart/form-data` body read as a server reads it (RFC 7578), for the stand-ins.
struct StandInMultipart {
    struct Field {
        var filename: String?
        var contentType: String?
        var data: [UInt8]
    }

    var fields: [String: Field] = [:]

    init?(body: Data, boundary: String) {
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

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    static func parameter(_ name: String, in header: String) -> String? {
        guard let range = header.range(of: " \(name)=\"") else { return nil }
        let rest = header[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}

@Suite("Mastodon media upload form")
struct MastodonMultipartTests {
    @Test func the_form_carries_the_description_then_the_file_with_its_name_and_type() throws {
        let image = OccitanieRichPost.image
        let form = MastodonMediaForm(media: image, bytes: OccitanieRichPost.imageBytes)
        let parsed = try #require(StandInMultipart(body: Data(form.body), boundary: form.boundary))
        #expect(parsed.fields["description"].map { String(decoding: $0.data, as: UTF8.self) } == OccitanieRichPost.alt)
        #expect(parsed.fields["file"]?.filename == "affiche.png")
        #expect(parsed.fields["file"]?.contentType == "image/png")
        #expect(parsed.fields["file"]?.data == OccitanieRichPost.imageBytes)
        #expect(form.contentType == "multipart/form-data; boundary=" + form.boundary)
    }

    @Test func quotes_and_line_breaks_in_a_file_name_cannot_break_the_headers() throws {
        var image = OccitanieRichPost.image
        image.name = "a\"b\r\nContent-Type: text/html.png"
        let form = MastodonMediaForm(media: image, bytes: [1, 2, 3])
        let parsed = try #require(StandInMultipart(body: Data(form.body), boundary: form.boundary))
        #expect(parsed.fields["file"]?.filename == "a_b__Content-Type: text/html.png")
        #expect(parsed.fields["file"]?.contentType == "image/png")
    }
}
